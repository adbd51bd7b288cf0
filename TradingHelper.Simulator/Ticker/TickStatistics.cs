using System.Collections.Concurrent;

namespace TradingHelper.Simulator.Ticker;

/// <summary>Counts every packet the simulator has put on a socket, per instrument, so end-to-end tests can check each was stored once.</summary>
internal sealed class TickStatistics
{
    private readonly ConcurrentDictionary<uint, long> _packetsByToken = new();
    private long _packets;
    private long _frames;
    private long _heartbeats;

    public long Packets => Interlocked.Read(ref _packets);

    public long Frames => Interlocked.Read(ref _frames);

    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    public void RecordFrame(ReadOnlySpan<uint> tokens)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _packets, tokens.Length);
        foreach (var token in tokens)
        {
            _packetsByToken.AddOrUpdate(token, 1, static (_, count) => count + 1);
        }
    }

    public void RecordHeartbeat() => Interlocked.Increment(ref _heartbeats);

    public SortedDictionary<string, long> PacketsByToken()
    {
        var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (token, count) in _packetsByToken)
        {
            snapshot[token.ToString(System.Globalization.CultureInfo.InvariantCulture)] = count;
        }
        return snapshot;
    }
}
