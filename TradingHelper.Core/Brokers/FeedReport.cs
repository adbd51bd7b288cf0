namespace TradingHelper.Core.Brokers;

/// <summary>
/// What an Ingestor last said about its broker feed (<see cref="FeedReportKeys.Report"/>), so pages can say why
/// prices stand still. Never carries a token.
/// </summary>
/// <param name="Reason">The feed health check's description: the connections up, or why they are not.</param>
/// <param name="LastTickAt">When the last tick was read off the broker's socket since the Ingestor started; null before the first.</param>
public sealed record FeedReport(string Broker, FeedState State, string Reason, DateTimeOffset? LastTickAt, DateTimeOffset ReportedAt);
