namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The decoder's state for one topic id: the bound topic and its last known values.</summary>
internal sealed class FyersTopicSlot(FyersTopic topic)
{
    public FyersTopic Topic { get; set; } = topic;

    public FyersFieldValues Values;
}
