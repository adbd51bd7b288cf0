using System.Text;
using System.Text.Json;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteWireFormatTests
{
    [Fact]
    public void A_candle_stamped_0915_ist_starts_at_0345_utc()
    {
        Assert.Equal(new DateTimeOffset(2019, 12, 4, 3, 45, 0, TimeSpan.Zero), KiteHistory.ParseTimestamp("2019-12-04T09:15:00+0530"));
        Assert.Equal(TimeSpan.Zero, KiteHistory.ParseTimestamp("2019-12-04T00:00:00+0530").Offset);
    }

    [Fact]
    public void History_rows_keep_decimals_big_volumes_and_oi()
    {
        using var document = JsonDocument.Parse(
            """{"status":"success","data":{"candles":[["2019-12-04T09:15:00+0530",12009.9,12019.35,12001.25,12001.5,5000000000,13667775],["2019-12-04T09:16:00+0530",1,2,0.5,1.5,10]]}}""");

        var candles = KiteHistory.ParseCandles(document.RootElement);

        Assert.Equal(new KiteCandle(new DateTimeOffset(2019, 12, 4, 3, 45, 0, TimeSpan.Zero), 12009.9m, 12019.35m, 12001.25m, 12001.5m, 5_000_000_000, 13667775), candles[0]);
        Assert.Null(candles[1].OpenInterest);
    }

    [Fact]
    public void Query_dates_are_ist_wall_clock()
    {
        Assert.Equal("2019-12-04 09:15:00", KiteHistory.FormatIst(new DateTimeOffset(2019, 12, 4, 3, 45, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Windows_cover_the_range_without_overlap_and_within_the_limit()
    {
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var windows = KiteHistoryInterval.Minute.Windows(from, from.AddDays(130)).ToList();

        Assert.Equal([(from, from.AddDays(60)), (from.AddDays(60), from.AddDays(120)), (from.AddDays(120), from.AddDays(130))], windows);
        Assert.Single(KiteHistoryInterval.Day.Windows(from, from.AddDays(2000)));
        Assert.Equal(
            [60, 100, 100, 100, 200, 200, 400, 2000],
            KiteHistoryInterval.All.Select(interval => interval.MaxDays));
    }

    [Fact]
    public void Login_checksum_matches_the_spec_vector()
    {
        Assert.Equal("9d183880c6b1b8cbef59720852c4b880eefc4de66027736a55bc5c51fcdc7464", KiteRestClient.Checksum("my_api_key", "my_request_token", "my_api_secret"));
    }

    [Fact]
    public void A_token_obtained_any_time_of_day_dies_at_the_next_0600_ist()
    {
        var ist = IndianMarket.IstOffset;
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 6, 0, 0, ist), KiteTokenLifetime.ExpiresAt(new DateTimeOffset(2026, 1, 5, 8, 0, 0, ist)));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 6, 0, 0, ist), KiteTokenLifetime.ExpiresAt(new DateTimeOffset(2026, 1, 5, 5, 59, 0, ist)));
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 6, 0, 0, ist), KiteTokenLifetime.ExpiresAt(new DateTimeOffset(2026, 1, 5, 6, 0, 0, ist)));
        Assert.Equal(new DateTimeOffset(2026, 1, 5, 8, 30, 0, ist), IstClock.Next(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), new TimeSpan(8, 30, 0)));
    }

    [Fact]
    public async Task Dump_rows_that_do_not_parse_are_counted_and_old_dumps_get_an_underlying_from_the_symbol()
    {
        const string csv = """
            instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange
            5720578,22346,NIFTY159500CE,,23.0,2015-12-31,9500,0.05,75,CE,NFO-OPT,NFO
            645639,SILVER15DECFUT,,78.0,2015-12-31,,1,1,FUT,MCX-FUT,MCX
            265,1,SENSEX,SENSEX,0,,0,0,0,EQ,INDICES,BSE
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));

        var dump = await KiteInstrumentMaster.ReadAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(1, dump.SkippedRows);
        Assert.Equal(("NIFTY", 9500m, new DateOnly(2015, 12, 31)), (dump.Instruments[0].Underlying, dump.Instruments[0].Strike!.Value, dump.Instruments[0].Expiry!.Value));
        Assert.Equal((0.05m, 1, (decimal?)null), (dump.Instruments[1].TickSize, dump.Instruments[1].LotSize, dump.Instruments[1].Strike));
    }
}
