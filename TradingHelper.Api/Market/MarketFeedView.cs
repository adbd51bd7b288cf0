namespace TradingHelper.Api.Market;

/// <summary>Whether the Ingestor's broker feed streams, from its latest report.</summary>
/// <param name="State"><c>live</c>, <c>idle</c> (nothing subscribed), <c>disconnected</c>, <c>login-needed</c> or <c>no-ingestor</c> (no report for a few periods).</param>
/// <param name="Reason">Why, in words: the Ingestor's feed health description.</param>
/// <param name="LastTickAt">When the Ingestor last read a tick off the broker's socket; null before its first.</param>
/// <param name="ReportedAt">When the Ingestor made the report; null when there is none.</param>
/// <param name="Login">Where to log in to the broker when <paramref name="State"/> is <c>login-needed</c> and the Api offers that login.</param>
public sealed record MarketFeedView(string State, string Reason, DateTimeOffset? LastTickAt, DateTimeOffset? ReportedAt, string? Login);
