using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Leases;

namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>
/// Brings the broker feed in line with the <c>subscriptions</c> table, as far as this Ingestor's leases reach: every
/// <see cref="LeaseOptions.RenewInterval"/> it renews and balances the leases and applies what changed, on every
/// <see cref="CommandKind.SyncSubscriptions"/> command at once, and every <see cref="ISubscribedFeed.SubscriptionRefreshInterval"/>
/// in full, so that a missed command cannot leave the feed wrong.
/// </summary>
public sealed partial class SubscriptionSync(
    SubscriptionStore store,
    ISubscribedFeed feed,
    InstrumentLeases leases,
    FeedGapRecorder gaps,
    IOptions<LeaseOptions> leaseOptions,
    TimeProvider timeProvider,
    ILogger<SubscriptionSync> logger) : BackgroundService, ICommandHandler
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _lastFullSync = DateTimeOffset.MinValue;
    private FrozenSet<int>? _applied;
    private readonly List<int> _takenOver = [];
    private DateTimeOffset _handoverFrom = DateTimeOffset.MaxValue;

    public string Kind => CommandKind.SyncSubscriptions;

    /// <summary>The payload carries nothing the table does not say better; it may be <c>{}</c>.</summary>
    public Task HandleAsync(string payloadJson, CancellationToken cancellationToken) => SyncAsync(cancellationToken);

    /// <summary>Renews the leases, reloads the set and applies the difference to the broker connections.</summary>
    public Task SyncAsync(CancellationToken cancellationToken) => PassAsync(force: true, cancellationToken);

    private async Task PassAsync(bool force, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var change = await leases.RenewAsync(cancellationToken);
            // Kept until the feed has taken them, so a failed apply still ends in the handover gap it owes.
            if (change.TakenOver.Length > 0)
            {
                _takenOver.AddRange(change.TakenOver);
                _handoverFrom = change.HandoverFrom < _handoverFrom ? change.HandoverFrom : _handoverFrom;
            }
            var owned = leases.Owned;
            var now = timeProvider.GetUtcNow();
            if (!force && ReferenceEquals(owned, _applied) && now - _lastFullSync < feed.SubscriptionRefreshInterval)
            {
                return;
            }
            await feed.SyncAsync(store, cancellationToken);
            _applied = owned;
            _lastFullSync = now;
            if (_takenOver.Count > 0)
            {
                gaps.Handover(feed.Broker, [.. _takenOver.Distinct().Order()], _handoverFrom, timeProvider.GetUtcNow());
                _takenOver.Clear();
                _handoverFrom = DateTimeOffset.MaxValue;
            }
            await leases.ReleaseAsync(change.ToRelease, cancellationToken);
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
            var wait = leaseOptions.Value.RenewInterval;
            try
            {
                await PassAsync(force: false, stoppingToken);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the leases or loading the subscription set failed; the feed keeps its current set and retries")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
