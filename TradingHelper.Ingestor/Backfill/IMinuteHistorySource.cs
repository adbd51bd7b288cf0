namespace TradingHelper.Ingestor.Backfill;

/// <summary>A broker's minute history as the backfill runner needs it: which instruments it knows, in what windows to ask, and the candles.</summary>
public interface IMinuteHistorySource
{
    /// <summary>The <c>broker_candles.broker</c> value.</summary>
    string Broker { get; }

    /// <summary>What the broker's key is called, for the error of an instrument without one ("Kite token").</summary>
    string KeyName { get; }

    /// <summary>The broker's key (Kite token, Fyers symbol) of each instrument that has one.</summary>
    Task<IReadOnlyDictionary<int, string>> ResolveAsync(IReadOnlyList<int> instrumentIds, CancellationToken cancellationToken);

    /// <summary>[rangeStart, rangeEnd] split into requests the broker allows.</summary>
    IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Windows(DateTimeOffset rangeStart, DateTimeOffset rangeEnd);

    /// <summary>Minute candles of one window; throws <see cref="HistoryUnavailableException"/> when this instrument cannot be fetched.</summary>
    Task<IReadOnlyList<HistoryCandle>> GetMinuteCandlesAsync(string key, DateTimeOffset rangeStart, DateTimeOffset rangeEnd, CancellationToken cancellationToken);
}
