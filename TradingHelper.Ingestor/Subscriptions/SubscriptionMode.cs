namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>What a subscription asks the broker for, as <c>subscriptions.mode</c> names it.</summary>
public enum SubscriptionMode
{
    /// <summary><c>ltp</c>: the last price only.</summary>
    Ltp,
    /// <summary><c>quote</c>: price, volume, OI and the day's figures, without the order book.</summary>
    Quote,
    /// <summary><c>full</c>: the quote and the order book's best bid and ask.</summary>
    Full,
}
