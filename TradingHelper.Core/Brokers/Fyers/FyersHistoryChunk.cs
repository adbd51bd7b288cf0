namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>One history request's range, as epoch seconds for <c>range_from</c>/<c>range_to</c> with <c>date_format=0</c>.</summary>
public readonly record struct FyersHistoryChunk(DateTimeOffset From, DateTimeOffset To)
{
    public long FromSeconds => From.ToUnixTimeSeconds();

    public long ToSeconds => To.ToUnixTimeSeconds();
}
