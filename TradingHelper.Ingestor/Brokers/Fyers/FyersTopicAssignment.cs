namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>One topic the socket must stream: the instrument it belongs to and its role, which picks its channel.</summary>
public readonly record struct FyersTopicAssignment(int InstrumentId, FyersTopicRole Role)
{
    /// <summary>Quote and depth topics in full mode; the SDKs' default channel.</summary>
    public const int FullChannel = 11;

    /// <summary>Topics of <c>ltp</c> subscriptions, in lite mode: a mode is set per channel, so they need a channel of their own.</summary>
    public const int LiteChannel = 12;

    public int Channel => Role == FyersTopicRole.Ltp ? LiteChannel : FullChannel;
}
