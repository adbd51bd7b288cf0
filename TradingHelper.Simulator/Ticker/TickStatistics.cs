using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Ticker;

/// <summary>Counts every packet the simulator has put on a socket, per instrument, so end-to-end tests can check each was stored once.</summary>
internal sealed class TickStatistics
{
    private readonly SentCounts<uint> _sent = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, int> _subscribers = [];
    private long _heartbeats;
    private long _overlaps;

    public long Packets => _sent.Records;

    public long Frames => _sent.Frames;

    public long Heartbeats => Interlocked.Read(ref _heartbeats);

    public void RecordFrame(ReadOnlySpan<uint> tokens) => _sent.RecordFrame(tokens);

    public void RecordHeartbeat() => Interlocked.Increment(ref _heartbeats);

    public SortedDictionary<string, long> PacketsByToken() => _sent.ByKey();

    /// <summary>
    /// Subscriptions of an instrument that another open connection already streamed: the same tick went out twice. Several
    /// Ingestors sharing one subscription set must never cause one.
    /// </summary>
    public long SubscriptionOverlaps => Interlocked.Read(ref _overlaps);

    public void Subscribed(uint token)
    {
        lock (_gate)
        {
            var count = _subscribers.GetValueOrDefault(token) + 1;
            _subscribers[token] = count;
            if (count > 1)
            {
                Interlocked.Increment(ref _overlaps);
            }
        }
    }

    public void Unsubscribed(uint token)
    {
        lock (_gate)
        {
            if (_subscribers.GetValueOrDefault(token) <= 1)
            {
                _subscribers.Remove(token);
            }
            else
            {
                _subscribers[token]--;
            }
        }
    }
}
