namespace TradingHelper.Core.Brokers;

/// <summary>The Redis key through which the Ingestor reports its broker feed to the Api.</summary>
public static class FeedReportKeys
{
    /// <summary>Reports missed before the key expires and the Api says no Ingestor is there.</summary>
    public const int MissedReportsBeforeExpiry = 3;

    /// <summary>The latest <see cref="FeedReport"/> of the feed of <paramref name="broker"/>, kept for a few report periods.</summary>
    public static string Report(string broker) => $"tradinghelper:feed:{broker}:report";
}
