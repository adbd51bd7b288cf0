namespace TradingHelper.Api.Market;

/// <summary>The market's session now, by the hours the Ingestor uses (<c>Broker:MarketHours</c>); instants in IST (+05:30).</summary>
/// <param name="State"><c>open</c> or <c>closed</c>.</param>
/// <param name="Hours"><c>nse</c> (09:15–15:30 IST, Monday to Friday, exchange holidays not known) or <c>always</c> (around the clock).</param>
/// <param name="Reason">Why closed: <c>weekend</c>, <c>before-open</c> or <c>after-close</c>; null while open.</param>
/// <param name="OpensAt">When the session in force opened, or when the next opens; null around the clock.</param>
/// <param name="ClosesAt">When that session closes; null around the clock.</param>
/// <param name="Description">The same in words, for people.</param>
public sealed record MarketSessionView(string State, string Hours, string? Reason, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt, string Description);
