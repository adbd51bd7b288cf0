namespace TradingHelper.Ingestor.Feed;

/// <summary>The broker feed's health check, read by <see cref="FeedReporter"/> as well as by <c>/health</c>.</summary>
public interface IFeedCondition
{
    FeedCondition Assess();
}
