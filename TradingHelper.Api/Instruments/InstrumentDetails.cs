namespace TradingHelper.Api.Instruments;

/// <summary>One instrument and, when it has a row in <c>subscriptions</c>, its subscription mode and whether it is active.</summary>
public sealed record InstrumentDetails(InstrumentView Instrument, InstrumentSubscription? Subscription);

/// <summary>An instrument's row in <c>subscriptions</c>.</summary>
public sealed record InstrumentSubscription(string Mode, bool Active, DateTimeOffset UpdatedAt);
