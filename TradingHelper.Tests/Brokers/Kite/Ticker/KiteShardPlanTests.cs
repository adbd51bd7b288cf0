using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Ingestor.Subscriptions;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

public sealed class KiteShardPlanTests
{
    private static readonly IEnumerable<uint>[] NoConnections = [[], [], []];

    [Fact]
    public void Seven_thousand_instruments_fill_three_connections_of_at_most_three_thousand()
    {
        var plan = KiteShardPlan.Create(Subscriptions(7000), NoConnections, 3000, 3);

        Assert.Equal([3000, 3000, 1000], plan.Shards.Select(shard => shard.Count));
        Assert.Empty(plan.Overflow);
        Assert.Equal(7000, plan.Shards.SelectMany(shard => shard.Keys).Distinct().Count());
    }

    [Fact]
    public void Instruments_past_nine_thousand_are_not_assigned_and_are_reported()
    {
        var plan = KiteShardPlan.Create(Subscriptions(9001), NoConnections, 3000, 3);

        Assert.Equal([3000, 3000, 3000], plan.Shards.Select(shard => shard.Count));
        Assert.Equal([9001], plan.Overflow.Select(subscription => subscription.InstrumentId));
    }

    [Fact]
    public void Exactly_nine_thousand_instruments_fit()
    {
        var plan = KiteShardPlan.Create(Subscriptions(9000), NoConnections, 3000, 3);

        Assert.Empty(plan.Overflow);
    }

    [Fact]
    public void Instruments_stay_on_the_connection_that_streams_them()
    {
        var first = KiteShardPlan.Create(Subscriptions(10), NoConnections, 4, 3);
        var current = first.Shards.Select(shard => (IEnumerable<uint>)shard.Keys.ToArray()).ToArray();
        // Instrument 1 leaves, 11 and 12 arrive: the rest keep their sockets, the newcomers take the free room.
        var next = KiteShardPlan.Create([.. Subscriptions(12).Skip(1)], current, 4, 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.DoesNotContain(first.Shards[i].Keys, token => token != 1001 && !next.Shards[i].ContainsKey(token));
        }
        Assert.True(next.Shards[0].ContainsKey(1011));
        Assert.Equal([4, 4, 3], next.Shards.Select(shard => shard.Count));
    }

    [Fact]
    public void Mode_changes_keep_the_instrument_where_it_is()
    {
        var first = KiteShardPlan.Create(Subscriptions(5), NoConnections, 2, 3);
        var current = first.Shards.Select(shard => (IEnumerable<uint>)shard.Keys.ToArray()).ToArray();
        var changed = Subscriptions(5).Select(subscription => subscription with { Mode = KiteMode.Ltp }).ToList();

        var next = KiteShardPlan.Create(changed, current, 2, 3);

        Assert.Equal(first.Shards.Select(shard => shard.Keys.Order()), next.Shards.Select(shard => shard.Keys.Order()));
        Assert.All(next.Shards.SelectMany(shard => shard.Values), subscription => Assert.Equal(KiteMode.Ltp, subscription.Mode));
    }

    private static List<DesiredSubscription> Subscriptions(int count) =>
        [.. Enumerable.Range(1, count).Select(i => new DesiredSubscription((uint)(1000 + i), i, KiteMode.Full))];
}
