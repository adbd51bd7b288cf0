namespace TradingHelper.Api.Subscriptions;

/// <summary>The answer to a subscribe or unsubscribe: what changed, the command that tells the Ingestor, and the resulting state.</summary>
public sealed record SubscriptionChange(
    string Action,
    int Requested,
    int Changed,
    int ActiveTotal,
    string CommandId,
    IReadOnlyList<SubscriptionState> Subscriptions);

/// <summary>One requested instrument's subscription after the change.</summary>
public sealed record SubscriptionState(int Token, string Exchange, string Tradingsymbol, string? Mode, bool Active);
