namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Why a topic is on the socket: it decides the channel it streams on and what its records store.</summary>
public enum FyersTopicRole
{
    /// <summary>The quote topic of an <c>ltp</c> subscription, on the lite channel: the last price only.</summary>
    Ltp,
    /// <summary>The quote topic of a <c>quote</c> subscription, on the full channel: no order book.</summary>
    Quote,
    /// <summary>The quote topic of a <c>full</c> subscription: stored with the best bid and ask of its depth topic.</summary>
    Full,
    /// <summary>The <c>dp|</c> topic of a <c>full</c> subscription: feeds the best bid and ask, stores no row of its own.</summary>
    Depth,
}
