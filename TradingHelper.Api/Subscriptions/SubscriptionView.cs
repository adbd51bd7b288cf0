using TradingHelper.Api.Instruments;

namespace TradingHelper.Api.Subscriptions;

/// <summary>An active subscription with the instrument it is for.</summary>
public sealed record SubscriptionView(int Token, string Mode, DateTimeOffset Since, InstrumentView Instrument);

/// <summary>Every active subscription.</summary>
public sealed record SubscriptionList(int Count, IReadOnlyList<SubscriptionView> Items);
