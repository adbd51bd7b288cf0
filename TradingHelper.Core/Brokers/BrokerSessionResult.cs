namespace TradingHelper.Core.Brokers;

/// <summary>The outcome of one login: the session's expiry, or why it failed. Never carries a token.</summary>
public sealed record BrokerSessionResult(bool Succeeded, DateTimeOffset? ExpiresAt, string? Error);
