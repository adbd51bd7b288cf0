using System.Globalization;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Candles;

/// <summary>Writes hand-built ticks and broker candles at IST wall-clock times, the way the exchange states them.</summary>
public static class TickTape
{
    public static readonly TimeSpan Ist = TimeSpan.FromHours(5.5);

    /// <summary>An instant given as IST wall-clock time, e.g. <c>"2026-01-05 09:15:05"</c>.</summary>
    public static DateTimeOffset At(string istLocal) =>
        new(DateTime.ParseExact(istLocal, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None), Ist);

    public static Task TickAsync(this StorageTestDatabase database, int instrumentId, string istLocal, decimal price, long? volume, long? oi = null) =>
        database.TickAsync(instrumentId, At(istLocal), price, volume, oi);

    public static Task TickAsync(this StorageTestDatabase database, int instrumentId, DateTimeOffset at, decimal price, long? volume, long? oi = null)
    {
        var time = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        return database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            INSERT INTO tick_data (time, instrument_id, last_price, volume, oi, exchange_time, received_at)
            VALUES ('{time}', {instrumentId}, {price}, {Sql(volume)}, {Sql(oi)}, '{time}', '{time}')
            """));
    }

    public static Task BrokerCandleAsync(this StorageTestDatabase database, int instrumentId, string istMinute, decimal open, decimal high, decimal low, decimal close, long volume, long? oi = null)
    {
        var bucket = At(istMinute).UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        return database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture,
            $"""
            INSERT INTO broker_candles (instrument_id, bucket, open, high, low, close, volume, oi, broker)
            VALUES ({instrumentId}, '{bucket}', {open}, {high}, {low}, {close}, {volume}, {Sql(oi)}, 'kite')
            """));
    }

    /// <summary>Builds candles_1m from every tick, as the refresher does for recent minutes.</summary>
    public static Task RefreshAllCandlesAsync(this StorageTestDatabase database) =>
        database.ExecuteAsync("SELECT refresh_candles_1m('2000-01-01', '2100-01-01')");

    private static string Sql(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "NULL";
}
