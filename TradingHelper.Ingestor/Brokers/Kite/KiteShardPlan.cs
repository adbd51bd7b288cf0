using TradingHelper.Ingestor.Subscriptions;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>The desired set cut into per-connection shards within Kite's limits, and what did not fit.</summary>
public sealed class KiteShardPlan
{
    private KiteShardPlan(IReadOnlyList<Dictionary<uint, DesiredSubscription>> shards, IReadOnlyList<DesiredSubscription> overflow)
    {
        Shards = shards;
        Overflow = overflow;
    }

    /// <summary>One token→subscription map per connection index; empty maps need no connection.</summary>
    public IReadOnlyList<Dictionary<uint, DesiredSubscription>> Shards { get; }

    /// <summary>Instruments past MaxConnections × MaxInstrumentsPerConnection; they are not subscribed.</summary>
    public IReadOnlyList<DesiredSubscription> Overflow { get; }

    /// <summary>
    /// Assigns each subscription to a connection. A token stays on the connection that already streams it (a move
    /// would cost an unsubscribe, a subscribe and a snapshot); new tokens fill the lowest connection with room, so
    /// no more sockets are opened than needed.
    /// </summary>
    public static KiteShardPlan Create(
        IReadOnlyList<DesiredSubscription> desired,
        IReadOnlyList<IEnumerable<uint>> current,
        int maxPerConnection,
        int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerConnection, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 1);
        var shards = new Dictionary<uint, DesiredSubscription>[maxConnections];
        for (var i = 0; i < maxConnections; i++)
        {
            shards[i] = [];
        }

        var owner = new Dictionary<uint, int>();
        for (var i = 0; i < Math.Min(current.Count, maxConnections); i++)
        {
            foreach (var token in current[i])
            {
                owner.TryAdd(token, i);
            }
        }

        var seen = new HashSet<uint>();
        var unplaced = new List<DesiredSubscription>();
        foreach (var subscription in desired)
        {
            if (!seen.Add(subscription.KiteToken))
            {
                continue;
            }
            if (owner.TryGetValue(subscription.KiteToken, out var index) && shards[index].Count < maxPerConnection)
            {
                shards[index][subscription.KiteToken] = subscription;
            }
            else
            {
                unplaced.Add(subscription);
            }
        }

        var overflow = new List<DesiredSubscription>();
        var next = 0;
        foreach (var subscription in unplaced)
        {
            while (next < maxConnections && shards[next].Count >= maxPerConnection)
            {
                next++;
            }
            if (next == maxConnections)
            {
                overflow.Add(subscription);
                continue;
            }
            shards[next][subscription.KiteToken] = subscription;
        }
        return new KiteShardPlan(shards, overflow);
    }
}
