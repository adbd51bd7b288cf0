namespace TradingHelper.Api.OptionChain;

/// <summary>How the chain's implied volatility and delta were computed, so a client can reproduce them.</summary>
public sealed record ChainModel(string Name, double RiskFreeRate, DateTimeOffset ExpiresAt, double YearsToExpiry);
