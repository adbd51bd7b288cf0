namespace TradingHelper.Core.Brokers;

/// <summary>The outcome of one login: the session's expiry, or why it failed. Never carries a token.</summary>
/// <param name="RequestTokenRefused">The broker refused the login's request token (used, expired or unknown): the browser must log in again.</param>
public sealed record BrokerSessionResult(bool Succeeded, DateTimeOffset? ExpiresAt, string? Error, bool RequestTokenRefused);
