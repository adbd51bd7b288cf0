using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>One instrument the feed must stream: its live Kite token, its internal id and the mode asked for.</summary>
public readonly record struct DesiredSubscription(uint KiteToken, int InstrumentId, KiteMode Mode);
