namespace TradingHelper.Api.OptionChain;

/// <summary>A row of the chain: the strike with its call and put side by side (null where the expiry lists only one).</summary>
public sealed record ChainStrike(decimal Strike, ChainOption? Call, ChainOption? Put);
