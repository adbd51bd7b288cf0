namespace TradingHelper.Ingestor.Subscriptions;

/// <summary>One subscribed instrument as the Fyers feed sees it: its Fyers ticker and fytoken (null when the instrument has none yet), its internal id and the mode asked for.</summary>
public readonly record struct FyersDesiredSubscription(string? FyersSymbol, string? FyersToken, int InstrumentId, SubscriptionMode Mode = SubscriptionMode.Full);
