namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>A broker feed that <see cref="SubscriptionSync"/> keeps in line with the <c>subscriptions</c> table.</summary>
public interface ISubscribedFeed
{
    /// <summary>The <c>feed_gaps.broker</c> value of this feed.</summary>
    string Broker { get; }

    /// <summary>How often the set is reloaded even without a sync command.</summary>
    TimeSpan SubscriptionRefreshInterval { get; }

    /// <summary>Loads the feed's desired set from <paramref name="store"/> and applies the difference.</summary>
    Task SyncAsync(SubscriptionStore store, CancellationToken cancellationToken);
}
