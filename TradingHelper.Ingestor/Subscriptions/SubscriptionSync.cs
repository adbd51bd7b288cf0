using TradingHelper.Core.Commands;

namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>
/// Brings the broker feed in line with the <c>subscriptions</c> table: at start-up, on every <see cref="CommandKind.SyncSubscriptions"/>
/// command, and every <see cref="ISubscribedFeed.SubscriptionRefreshInterval"/> so that a missed command cannot leave the feed wrong.
/// </summary>
public sealed partial class SubscriptionSync(
    SubscriptionStore store,
    ISubscribedFeed feed,
    TimeProvider timeProvider,
    ILogger<SubscriptionSync> logger) : BackgroundService, ICommandHandler
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Kind => CommandKind.SyncSubscriptions;

    /// <summary>The payload carries nothing the table does not say better; it may be <c>{}</c>.</summary>
    public Task HandleAsync(string payloadJson, CancellationToken cancellationToken) => SyncAsync(cancellationToken);

    /// <summary>Reloads the set and applies the difference to the broker connections.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await feed.SyncAsync(store, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = feed.SubscriptionRefreshInterval;
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSyncFailed(logger, exception);
                wait = RetryAfterFailure;
            }
            try
            {
                await Task.Delay(wait, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the subscription set failed; the feed keeps its current set and retries")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
