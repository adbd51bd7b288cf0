using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Ticker;

/// <summary>Counts every packet the simulator has put on a socket, per instrument, so end-to-end tests can check each was stored once.</summary>
internal sealed class TickStatistics
{
    private readonly SentCounts<uint> _sent = new();
    private long _heartbeats;

    public long Packets => _sent.Records;

    public long Frames => _sent.Frames;

    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    public void RecordFrame(ReadOnlySpan<uint> tokens) => _sent.RecordFrame(tokens);

    public void RecordHeartbeat() => Interlocked.Increment(ref _heartbeats);

    public SortedDictionary<string, long> PacketsByToken() => _sent.ByKey();
}
