namespace TradingHelper.Core.Market;

/// <summary>
/// Whether a market trades at an instant (<see cref="MarketHours.SessionAt"/>). Open: the session in force; closed: why,
/// and the next session. A market open around the clock has no boundaries, so both instants are null.
/// </summary>
/// <param name="OpensAt">When the session in force opened, or when the next one opens; in IST.</param>
/// <param name="ClosesAt">When that session closes; in IST.</param>
public sealed record MarketSession(bool IsOpen, MarketClosure? Closure, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt);
