using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Fyers;

/// <summary>Counts every record the simulator put on a Fyers socket, per topic, so end-to-end tests can check each was stored once.</summary>
internal sealed class FyersStatistics
{
    private readonly SentCounts<string> _sent = new(StringComparer.Ordinal);
    private long _faultFrames;

    public long Records => _sent.Records;

    public long Frames => _sent.Frames;

    /// <summary>Malformed and truncated frames sent by armed faults.</summary>
    public long FaultFrames => Interlocked.Read(ref _faultFrames);

    public void RecordFrame(ReadOnlySpan<string> topics) => _sent.RecordFrame(topics);

    public void RecordFaultFrame() => Interlocked.Increment(ref _faultFrames);

    public SortedDictionary<string, long> RecordsByTopic() => _sent.ByKey();
}
