using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// Paces Fyers history requests under its per-minute limit (200 on the standard plan; three breaches in a day block the
/// user until midnight): evenly spaced, at most rate + 1 in any minute and far below Fyers' 10 a second.
/// </summary>
public sealed class FyersHistoryLimiter(IOptions<FyersOptions> options) : IAsyncDisposable
{
    private readonly HistoryRequestPacer _pacer = new("Fyers", TimeSpan.FromMinutes(1) / options.Value.HistoryRequestsPerMinute);

    /// <summary>Waits for a turn to send one history request.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _pacer.WaitAsync(cancellationToken);

    public ValueTask DisposeAsync() => _pacer.DisposeAsync();
}
