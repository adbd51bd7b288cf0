using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite's historical limit (3 requests/s per API key): never more than the rate in any one-second window.</summary>
public sealed class KiteHistoryLimiter(IOptions<KiteOptions> options) : IAsyncDisposable
{
    private readonly HistoryRequestPacer _pacer = new("Kite", TimeSpan.FromSeconds(1 / options.Value.HistoryRequestsPerSecond));

    /// <summary>Waits for a turn to send one history request.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _pacer.WaitAsync(cancellationToken);

    public ValueTask DisposeAsync() => _pacer.DisposeAsync();
}
