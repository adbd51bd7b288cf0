namespace TradingHelper.Core.Brokers;

/// <summary>Whether a broker session is in force, as the Ingestor last saw it. Never carries a token.</summary>
public sealed record BrokerSessionStatus(bool Valid, DateTimeOffset? ExpiresAt, string? Problem, DateTimeOffset UpdatedAt);
