namespace TradingHelper.Api.Brokers;

/// <summary>A login callback's answer after a successful login; it never holds a token.</summary>
public sealed record BrokerLoginResponse(bool LoggedIn, DateTimeOffset? ExpiresAt, string Message);
