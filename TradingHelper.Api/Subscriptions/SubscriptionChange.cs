namespace TradingHelper.Api.Subscriptions;

/// <summary>
/// The answer to a subscribe or unsubscribe: what changed, the command that tells the Ingestor, the resulting state,
/// and the history backfill the subscribe started (null when it started none).
/// </summary>
public sealed record SubscriptionChange(
    string Action,
    int Requested,
    int Changed,
    int ActiveTotal,
    string CommandId,
    IReadOnlyList<SubscriptionState> Subscriptions,
    SubscriptionHistory? History);

/// <summary>One requested instrument's subscription after the change.</summary>
public sealed record SubscriptionState(int Token, string Exchange, string Tradingsymbol, string? Mode, bool Active);
