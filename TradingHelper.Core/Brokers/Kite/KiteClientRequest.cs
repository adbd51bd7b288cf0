namespace TradingHelper.Core.Brokers.Kite;

/// <summary>A parsed client-to-server ticker message: subscribe, unsubscribe, or set the mode of some tokens.</summary>
/// <param name="Mode">The requested mode; only meaningful for <see cref="KiteClientAction.Mode"/>.</param>
public sealed record KiteClientRequest(KiteClientAction Action, KiteMode Mode, IReadOnlyList<uint> Tokens);
