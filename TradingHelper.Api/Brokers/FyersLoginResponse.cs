namespace TradingHelper.Api.Brokers;

/// <summary>The Fyers callback's answer after a successful login; it never holds a token.</summary>
public sealed record FyersLoginResponse(bool LoggedIn, DateTimeOffset? ExpiresAt, string Message);
