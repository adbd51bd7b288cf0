namespace TradingHelper.Core.Market;

/// <summary>Why NSE's session is not in force. Exchange holidays are not among them: no broker tells us its holiday list.</summary>
public enum MarketClosure
{
    /// <summary>Saturday or Sunday in IST.</summary>
    Weekend,

    /// <summary>A trading day before 09:15 IST.</summary>
    BeforeOpen,

    /// <summary>A trading day at or after 15:30 IST.</summary>
    AfterClose,
}
