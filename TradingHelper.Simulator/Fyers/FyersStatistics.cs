using System.Collections.Concurrent;

namespace TradingHelper.Simulator.Fyers;

/// <summary>Counts every record the simulator put on a Fyers socket, per topic, so end-to-end tests can check each was stored once.</summary>
internal sealed class FyersStatistics
{
    private readonly ConcurrentDictionary<string, long> _recordsByTopic = new(StringComparer.Ordinal);
    private long _records;
    private long _frames;
    private long _faultFrames;

    public long Records => Interlocked.Read(ref _records);

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Malformed and truncated frames sent by armed faults.</summary>
    public long FaultFrames => Interlocked.Read(ref _faultFrames);

    public void RecordFrame(ReadOnlySpan<string> topics)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _records, topics.Length);
        foreach (var topic in topics)
        {
            _recordsByTopic.AddOrUpdate(topic, 1, static (_, count) => count + 1);
        }
    }

    public void RecordFaultFrame() => Interlocked.Increment(ref _faultFrames);

    public SortedDictionary<string, long> RecordsByTopic() => new(_recordsByTopic, StringComparer.Ordinal);
}
