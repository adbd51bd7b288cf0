namespace TradingHelper.Api.Subscriptions;

/// <summary>What one subscribe or unsubscribe left: rows changed, the instruments it made active, and the resulting state.</summary>
public sealed record SubscriptionOutcome(int Changed, int[] Activated, int ActiveTotal, IReadOnlyList<SubscriptionState> States);
