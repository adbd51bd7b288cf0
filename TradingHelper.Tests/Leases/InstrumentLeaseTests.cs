extern alias ingestor;

using ingestor::TradingHelper.Ingestor.Leases;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TradingHelper.Tests.EndToEnd;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Leases;

/// <summary>Instrument leases on a real PostgreSQL: shares, handovers and expiry, as several Ingestors see them.</summary>
public sealed class InstrumentLeaseTests(TestServers servers)
{
    private static readonly LeaseOptions Quick = new() { Duration = TimeSpan.FromSeconds(2), RenewInterval = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public async Task A_second_Ingestor_gets_half_the_instruments_and_none_is_held_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "lease_share");
        var ids = await SubscribeAsync(database, 10);
        var first = Leases(database, "first");
        var second = Leases(database, "second");

        var alone = await first.RenewAsync(ct);
        Assert.Equal(ids, first.Owned.Order());
        Assert.Empty(alone.TakenOver);

        // The newcomer finds nothing free; the holder then sees two members and gives up the excess.
        await second.RenewAsync(ct);
        Assert.Empty(second.Owned);
        var rebalance = await first.RenewAsync(ct);
        Assert.Equal(5, rebalance.ToRelease.Length);
        Assert.Equal(5, first.Owned.Count);
        Assert.Empty(first.Owned.Intersect(rebalance.ToRelease));

        // Until released, the excess is neither streamed by its holder nor free for the newcomer.
        await second.RenewAsync(ct);
        Assert.Empty(second.Owned);
        await first.ReleaseAsync(rebalance.ToRelease, ct);
        var takeover = await second.RenewAsync(ct);

        Assert.Equal(rebalance.ToRelease.Order(), second.Owned.Order());
        Assert.Equal(rebalance.ToRelease.Order(), takeover.TakenOver.Order());
        Assert.Empty(first.Owned.Intersect(second.Owned));
        Assert.Equal(ids, first.Owned.Union(second.Owned).Order());
    }

    [Fact]
    public async Task A_crashed_Ingestors_instruments_are_taken_over_once_its_leases_expire()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "lease_expiry");
        var ids = await SubscribeAsync(database, 6);
        var survivor = Leases(database, "survivor");
        var crashed = Leases(database, "crashed");
        await crashed.RenewAsync(ct);
        await survivor.RenewAsync(ct);
        await crashed.RenewAsync(ct);
        var excess = await crashed.RenewAsync(ct);
        await crashed.ReleaseAsync(excess.ToRelease, ct);
        await survivor.RenewAsync(ct);
        Assert.Equal(3, crashed.Owned.Count);
        var lastRenewal = await database.ScalarAsync<DateTime>("SELECT max(renewed_at) FROM instrument_leases WHERE ingestor = 'crashed'");

        // "crashed" renews no more. Its leases stay its own until they expire.
        var early = await survivor.RenewAsync(ct);
        Assert.Empty(early.TakenOver);
        var takeover = await MarketRig.UntilAsync(() => survivor.RenewAsync(ct), _ => survivor.Owned.Count == ids.Length,
            "the survivor holds every instrument", _ => $"{survivor.Owned.Count} held", seconds: 30);

        Assert.Equal(crashed.Owned.Order(), takeover.TakenOver.Order());
        Assert.Equal(new DateTimeOffset(DateTime.SpecifyKind(lastRenewal, DateTimeKind.Utc)), takeover.HandoverFrom);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM instrument_leases WHERE ingestor IS DISTINCT FROM 'survivor'"));
    }

    [Fact]
    public async Task A_restarted_Ingestor_takes_its_own_leases_back_at_once_and_without_a_handover()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "lease_restart");
        var ids = await SubscribeAsync(database, 4);
        await Leases(database, "ingestor").RenewAsync(ct);
        // A peer that started while the first run was down finds every lease still held.
        var peer = Leases(database, "peer");
        await peer.RenewAsync(ct);

        var restarted = Leases(database, "ingestor");
        var change = await restarted.RenewAsync(ct);

        Assert.Empty(change.TakenOver);
        Assert.Equal(2, change.ToRelease.Length);
        Assert.Equal(ids.Except(change.ToRelease).Order(), restarted.Owned.Order());
        Assert.Empty(peer.Owned);
    }

    [Fact]
    public async Task Leaving_releases_the_leases_only_when_another_Ingestor_is_there_to_take_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "lease_leave");
        await SubscribeAsync(database, 4);
        var alone = Leases(database, "alone");
        await alone.RenewAsync(ct);
        Assert.False(await alone.LeaveAsync(ct));
        Assert.Equal(4, await database.ScalarAsync<long>("SELECT count(*) FROM instrument_leases WHERE ingestor = 'alone'"));
        await database.ExecuteAsync("DELETE FROM instrument_leases");

        var first = Leases(database, "first");
        var second = Leases(database, "second");
        await first.RenewAsync(ct);
        await second.RenewAsync(ct);
        await database.ExecuteAsync("""
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at) VALUES
                ('simulator', 'first/kite-0', '{1}', now() - interval '2 seconds'),
                ('simulator', 'second/kite-0', '{2}', now() - interval '2 seconds')
            """);

        Assert.True(await first.LeaveAsync(ct));

        Assert.Empty(first.Owned);
        Assert.Equal(4, await database.ScalarAsync<long>("SELECT count(*) FROM instrument_leases WHERE ingestor IS NULL"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM feed_gaps WHERE ended_at IS NULL"));
        Assert.Equal("second/kite-0", await database.ScalarAsync<string>("SELECT connection FROM feed_gaps WHERE ended_at IS NULL"));
    }

    [Fact]
    public async Task Three_Ingestors_renewing_at_once_split_the_set_evenly_and_never_share_an_instrument()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "lease_race");
        var ids = await SubscribeAsync(database, 100);
        var members = new[] { Leases(database, "a"), Leases(database, "b"), Leases(database, "c") };

        for (var round = 0; round < 6; round++)
        {
            var changes = await Task.WhenAll(members.Select(member => member.RenewAsync(ct)));
            await Task.WhenAll(members.Zip(changes).Select(pair => pair.First.ReleaseAsync(pair.Second.ToRelease, ct)));
            for (var i = 0; i < members.Length; i++)
            {
                for (var j = i + 1; j < members.Length; j++)
                {
                    Assert.Empty(members[i].Owned.Intersect(members[j].Owned));
                }
            }
        }

        Assert.Equal(ids, members.SelectMany(member => member.Owned).Order());
        Assert.All(members, member => Assert.InRange(member.Owned.Count, 32, 34));
    }

    private static InstrumentLeases Leases(StorageTestDatabase database, string name) => new(
        database.DataSource, Options.Create(new IngestorOptions { Name = name }), Options.Create(Quick), NullLogger<InstrumentLeases>.Instance);

    private static async Task<int[]> SubscribeAsync(StorageTestDatabase database, int count)
    {
        await database.ExecuteAsync($"""
            INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, tick_size, lot_size, kite_token)
            SELECT 'NSE', 'STOCK' || n, 'NSE', 'EQ', 0.05, 1, 1000 + n FROM generate_series(1, {count}) AS n;
            INSERT INTO subscriptions (instrument_id) SELECT instrument_id FROM instruments;
            """);
        var ids = new List<int>();
        await using var command = database.DataSource.CreateCommand("SELECT instrument_id FROM instruments ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }
        return [.. ids];
    }
}
