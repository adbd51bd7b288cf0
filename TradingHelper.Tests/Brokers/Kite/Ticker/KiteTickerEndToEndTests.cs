using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Storage;
using TradingHelper.Core.Streaming;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

/// <summary>The simulator on a real port, the Ingestor's Kite ticker dialling it, and the real database behind the writer.</summary>
public sealed class KiteTickerEndToEndTests(TestServers servers)
{
    private static readonly string[] Modes = ["ltp", "quote", "full"];

    [Fact]
    public async Task Every_tick_sent_on_a_live_connection_is_stored_once_through_disconnects_stalls_and_bad_frames()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_e2e", ticksPerSecond: 100,
            new Dictionary<string, string?> { ["Kite:MaxInstrumentsPerConnection"] = "5" });
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.Where(row => row is { Segment: "NSE", Type: "EQ" }).Take(6)
            .Concat(rows.Where(row => row is { Exchange: "NFO", Type: "FUT" }).Take(6)).ToList();
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, chosen, ct);
        var modeOf = new Dictionary<uint, string>();
        for (var i = 0; i < chosen.Count; i++)
        {
            modeOf[chosen[i].Token] = Modes[i % Modes.Length];
            await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen[i].Token], modeOf[chosen[i].Token]);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(rig.Redis);
        var live = new ConcurrentDictionary<int, int>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(rig.LiveChannel), (_, message) =>
        {
            var ticks = new List<RawTick>();
            LiveTickJson.ReadBatch((byte[])message!, ticks);
            foreach (var tick in ticks)
            {
                live.AddOrUpdate(tick.Token, 1, (_, count) => count + 1);
            }
        });

        rig.StartIngestor();
        using var probe = new MetricProbe(rig.Services.GetRequiredService<IMeterFactory>());

        // Twelve instruments at five per connection: three sockets, sharded 5 + 5 + 2.
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.Order().SequenceEqual([2, 5, 5]),
            "the simulator holds three sockets subscribed 5 + 5 + 2");
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => ids.Values.All(id => counts.GetValueOrDefault(id) > 0),
            "every subscribed instrument has stored ticks");
        // Enough traffic before the faults that "sent equals stored" below means something on a fast machine too.
        await TickerRig.UntilAsync(rig.StatsAsync, stats => chosen.Sum(row => stats.PacketsByToken.GetValueOrDefault(row.Token)) > 100,
            "the simulator sent the chosen instruments over a hundred ticks");

        await rig.FaultAsync("malformed", count: 3);
        await rig.FaultAsync("truncated", count: 2);
        // Per socket: three frames with one unknown packet each, two with one cut-off packet each.
        await TickerRig.UntilAsync(() => Task.FromResult(probe.Sum("tradinghelper.broker.frames.bad")), sum => sum == 15,
            "fifteen bad packets are counted over the three sockets");

        // A gap starts at its socket's last frame, which can be read just before or just after the fault request: the
        // clocks the test can read only bound the close from both sides, so a gap must overlap that window.
        var beforeClose = TimeProvider.System.GetUtcNow();
        await rig.FaultAsync("close");
        var closeGaps = await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 3 && gaps.All(gap => gap.EndedAt is not null),
            "each of the three sockets recorded a gap and closed it after resubscribing");
        var closeSeen = TimeProvider.System.GetUtcNow();

        var beforeStall = TimeProvider.System.GetUtcNow();
        // Not a multiple of the 3 s watchdog: data returning just as a redialled socket's watchdog expires would be a second gap.
        await rig.FaultAsync("stall", seconds: 7.5);
        var allGaps = await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 6 && gaps.All(gap => gap.EndedAt is not null),
            "the stall cost each socket one more gap (however many redials the watchdog needed), closed when data flowed again");
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.Order().SequenceEqual([2, 5, 5]),
            "the three sockets are back with their instruments");

        // The replayed modes decide the packets: only full carries exchange time, only LTP lacks volume.
        var lastReconnect = allGaps.Max(gap => gap.EndedAt!.Value);
        await TickerRig.UntilAsync(() => PacketKindsSinceAsync(rig, lastReconnect), kinds => chosen.All(row => kinds.TryGetValue(ids[row.Token], out var seen) && modeOf[row.Token] switch
        {
            "full" => seen.Full > 0,
            "ltp" => seen.Ltp > 0 && seen.Full == 0,
            _ => seen.Quote > 0 && seen.Full == 0 && seen.Ltp == 0,
        }), "every instrument streams in its own mode again after the last reconnect");
        foreach (var connection in rig.Ticker.Connections)
        {
            var expected = connection.Assigned.ToDictionary(pair => pair.Key, pair => KiteModeOf(modeOf[pair.Key]));
            Assert.Equal(expected.OrderBy(pair => pair.Key), connection.SubscribedModes.OrderBy(pair => pair.Key));
        }
        Assert.All(ids.Values, id => Assert.True(live.ContainsKey(id), $"instrument {id} never appeared on the live channel"));
        Assert.Equal(6, probe.Sum("tradinghelper.feed.gaps"));

        var byConnection = rig.Ticker.Connections.ToDictionary(connection => "ingestor/" + connection.Label,
            connection => connection.Assigned.Values.Select(subscription => subscription.InstrumentId).Order().ToArray());

        await rig.StopIngestorAsync();
        var sent = await rig.StatsAsync();
        var stored = await rig.StoredCountsAsync();
        var mismatches = chosen
            .Where(row => sent.PacketsByToken.GetValueOrDefault(row.Token) != stored.GetValueOrDefault(ids[row.Token]))
            .Select(row => $"{row.TradingSymbol}: sent {sent.PacketsByToken.GetValueOrDefault(row.Token)}, stored {stored.GetValueOrDefault(ids[row.Token])}")
            .ToList();
        Assert.True(mismatches.Count == 0, $"Ticks sent and stored differ: {string.Join("; ", mismatches)}");
        Assert.True(sent.PacketsByToken.Where(pair => ids.ContainsKey(pair.Key)).Sum(pair => pair.Value) > 100);

        foreach (var gap in closeGaps)
        {
            Assert.Equal("simulator", gap.Broker);
            Assert.True(gap.StartedAt < gap.EndedAt, $"gap {gap} must not end before it starts");
            Assert.True(gap.StartedAt <= closeSeen && gap.EndedAt >= beforeClose,
                $"gap {gap} must overlap the close, requested at {beforeClose:HH:mm:ss.fff} and seen over at {closeSeen:HH:mm:ss.fff}");
        }
        foreach (var gap in allGaps.Skip(3))
        {
            // It starts at the last frame before the stall: after data flowed again on that socket, before the stall ended.
            var reopened = closeGaps.Single(close => close.Connection == gap.Connection).EndedAt!.Value;
            Assert.True(gap.StartedAt >= reopened && gap.StartedAt < beforeStall.AddSeconds(7.5),
                $"gap {gap} must start between the socket's return at {reopened:HH:mm:ss.fff} and the end of the stall armed at {beforeStall:HH:mm:ss.fff}");
            Assert.True(gap.EndedAt >= beforeStall.AddSeconds(7.5), $"gap {gap} must last until the 7.5 s stall from {beforeStall:HH:mm:ss.fff} ended");
        }
        Assert.All(allGaps, gap => Assert.Equal(byConnection[gap.Connection], gap.InstrumentIds));
    }

    [Fact]
    public async Task A_gap_stays_open_through_heartbeats_and_ends_with_the_first_market_data()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_gap_heartbeats", ticksPerSecond: 50);
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.First(row => row is { Segment: "NSE", Type: "EQ" });
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, [chosen], ct);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen.Token], "full");
        rig.StartIngestor();
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => counts.GetValueOrDefault(ids[chosen.Token]) > 0, "ticks are stored");

        // The socket drops while the broker sends heartbeats but no market data (as Kite does outside market hours).
        // Quiet long enough that a loaded machine still sees the redial and its heartbeats inside it.
        await rig.FaultAsync("quiet", seconds: 20);
        var quietEnds = TimeProvider.System.GetUtcNow().AddSeconds(20);
        await rig.FaultAsync("close");
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([1]) && stats.OpenConnectionHeartbeats.Single() >= 2,
            "the new socket is subscribed and has carried heartbeats");
        var duringQuiet = Assert.Single(await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1, "the drop opened a gap"));
        Assert.True(duringQuiet.EndedAt is null, $"heartbeats ended the gap {duringQuiet}; only market data may");

        var ended = Assert.Single(await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].EndedAt is not null, "market data ends the gap"));
        Assert.True(ended.EndedAt >= quietEnds.AddSeconds(-1), $"gap {ended} ended before the market data returned at {quietEnds:HH:mm:ss.fff}");
    }

    [Fact]
    public async Task An_instrument_handed_to_a_connection_during_its_outage_is_in_its_gap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_gap_widened", ticksPerSecond: 50, new Dictionary<string, string?>
        {
            ["Kite:SubscriptionRefreshInterval"] = "01:00:00",
        });
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.Where(row => row is { Segment: "NSE", Type: "EQ" }).Take(2).ToList();
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, chosen, ct);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen[0].Token], "full");
        rig.StartIngestor();
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => counts.GetValueOrDefault(ids[chosen[0].Token]) > 0, "ticks are stored");

        // Quiet long enough that a loaded machine still hands the second instrument over inside it.
        await rig.FaultAsync("quiet", seconds: 20);
        await rig.FaultAsync("close");
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([1]) && stats.OpenConnectionHeartbeats.Single() >= 1,
            "the socket is back, carrying heartbeats but no data");
        await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].EndedAt is null, "the drop opened a gap");

        // While the gap is open, the connection is handed a second instrument: it streams nothing either.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(rig.Redis);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen[1].Token], "full");
        await new CommandPublisher(redis, Options.Create(new CommandStreamOptions()), TimeProvider.System).PublishAsync(CommandKind.SyncSubscriptions, new { }, ct);
        var widened = Assert.Single(await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].InstrumentIds.Length == 2,
            "the open gap takes in the instrument handed over during the outage"));
        Assert.Equal(ids.Values.Order(), widened.InstrumentIds);

        var ended = Assert.Single(await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].EndedAt is not null, "market data ends the gap"));
        Assert.Equal(ids.Values.Order(), ended.InstrumentIds);
    }

    [Fact]
    public async Task Ticks_that_arrive_after_an_unsubscribe_went_out_are_stored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_late_unsubscribe", ticksPerSecond: 100, new Dictionary<string, string?>
        {
            ["Kite:SubscriptionRefreshInterval"] = "01:00:00",
        });
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.Where(row => row is { Segment: "NSE", Type: "EQ" }).Take(2).ToList();
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, chosen, ct);
        foreach (var row in chosen)
        {
            await SimulatedInstruments.SubscribeAsync(rig.Database, ids[row.Token], "full");
        }
        rig.StartIngestor();
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => ids.Values.All(id => counts.GetValueOrDefault(id) > 0), "both instruments stream");

        // The broker takes the unsubscribe two seconds after the Ingestor sent it, as any broker takes a request in flight
        // a little later: what it streams meanwhile reached the Ingestor and must be stored, not dropped.
        await rig.FaultAsync("late-unsubscribe", seconds: 2);
        var leaving = chosen[1].Token;
        var sentBefore = (await rig.StatsAsync()).PacketsByToken.GetValueOrDefault(leaving);
        await rig.Database.ExecuteAsync($"UPDATE subscriptions SET active = false WHERE instrument_id = {ids[leaving]}");
        await using var redis = await ConnectionMultiplexer.ConnectAsync(rig.Redis);
        await new CommandPublisher(redis, Options.Create(new CommandStreamOptions()), TimeProvider.System).PublishAsync(CommandKind.SyncSubscriptions, new { }, ct);
        await TickerRig.UntilAsync(() => Task.FromResult(rig.Ticker.Connections[0].Assigned.Count), count => count == 1, "the Ingestor lets the instrument go");
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([1]), "the broker takes the unsubscribe at last");

        await rig.StopIngestorAsync();
        var sent = (await rig.StatsAsync()).PacketsByToken;
        var stored = await rig.StoredCountsAsync();
        Assert.True(sent[leaving] - sentBefore > 50, $"the late unsubscribe let {sent[leaving] - sentBefore} ticks through; the test needs a stream of them");
        Assert.All(chosen, row => Assert.Equal(sent.GetValueOrDefault(row.Token), stored.GetValueOrDefault(ids[row.Token])));
    }

    [Fact]
    public async Task Refused_token_invalidates_the_session_and_the_ticker_waits_for_a_new_login_instead_of_redialling()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_token", ticksPerSecond: 50);
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.Where(row => row is { Segment: "NSE", Type: "EQ" }).Take(3).ToList();
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, chosen, ct);
        foreach (var id in ids.Values)
        {
            await SimulatedInstruments.SubscribeAsync(rig.Database, id, "quote");
        }
        rig.StartIngestor();
        using var probe = new MetricProbe(rig.Services.GetRequiredService<IMeterFactory>());
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([3]), "one socket with three instruments");

        await rig.FaultAsync("token-error", count: 1);
        await rig.FaultAsync("close");
        await TickerRig.UntilAsync(() => Task.FromResult(rig.Session.AccessToken), token => token is null, "the 403 on the redial invalidates the session");
        var dials = probe.Sum("tradinghelper.broker.reconnects");

        // With a 50 ms initial backoff a retrying ticker would have redialled many times in this second; the armed
        // 403 was used up, so any redial would also have succeeded.
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        Assert.Equal(dials, probe.Sum("tradinghelper.broker.reconnects"));
        Assert.Empty((await rig.StatsAsync()).OpenConnectionSubscriptions);
        Assert.Equal(KiteConnectionState.WaitingForLogin, rig.Ticker.Connections[0].State);
        Assert.Contains("403", rig.Session.Problem, StringComparison.Ordinal);
        var health = await HealthAsync(rig);
        Assert.Equal("Degraded", health.GetProperty("checks").GetProperty("kite-ticker").GetProperty("status").GetString());
        Assert.Contains("no Kite login", health.GetProperty("checks").GetProperty("kite-ticker").GetProperty("description").GetString(), StringComparison.Ordinal);

        rig.Session.Update(Simulator.SimulatorFactory.AccessToken, expiresAt: null);
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([3]), "the new login brings the socket back");
        await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].EndedAt is not null, "the outage is one gap, closed after the login");
        await TickerRig.UntilAsync(() => HealthAsync(rig), report => report.GetProperty("status").GetString() == "Healthy", "the Ingestor reports healthy again");
        Assert.Equal(dials + 1, probe.Sum("tradinghelper.broker.reconnects"));
    }

    [Fact]
    public async Task Sync_command_applies_the_difference_and_instruments_over_the_limit_are_reported_not_streamed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_sync", ticksPerSecond: 50, new Dictionary<string, string?>
        {
            ["Kite:MaxInstrumentsPerConnection"] = "2",
            ["Kite:MaxConnections"] = "1",
            ["Kite:SubscriptionRefreshInterval"] = "01:00:00",
        });
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.Where(row => row is { Segment: "NSE", Type: "EQ" }).Take(3).ToList();
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, chosen, ct);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen[0].Token], "quote");
        // Gaps an earlier run left open when it stopped: on the slot this run uses, and on one it no longer needs.
        await rig.Database.ExecuteAsync(
            "INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at) " +
            "VALUES ('simulator', '0', '{1}', now() - interval '1 hour'), ('simulator', '2', '{2}', now() - interval '1 hour')");
        rig.StartIngestor();
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([1]), "the start-up load subscribes the one instrument");
        await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.All(gap => gap.EndedAt is not null), "the earlier run's gaps end once data flows");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(rig.Redis);
        var commands = new CommandPublisher(redis, Options.Create(new CommandStreamOptions()), TimeProvider.System);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen[1].Token], "full");
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[chosen[2].Token], "ltp");
        await commands.PublishAsync(CommandKind.SyncSubscriptions, new { }, ct);
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([2]), "the command adds one instrument up to the limit of two");
        var health = await TickerRig.UntilAsync(() => HealthAsync(rig), report => report.GetProperty("status").GetString() == "Degraded", "the excess shows in /health");
        Assert.Contains("1 subscribed instruments are not streamed", health.GetProperty("checks").GetProperty("kite-ticker").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal([ids[chosen[2].Token]], rig.Ticker.Overflow.Select(subscription => subscription.InstrumentId));
        // The socket's modes are recorded after every message went out; the simulator counts a subscription earlier.
        await TickerRig.UntilAsync(() => Task.FromResult(rig.Ticker.Connections[0].SubscribedModes),
            modes => modes.TryGetValue(chosen[1].Token, out var mode) && mode == KiteMode.Full, "the added instrument streams in full mode");

        await rig.Database.ExecuteAsync($"UPDATE subscriptions SET active = false WHERE instrument_id = {ids[chosen[0].Token]}");
        await commands.PublishAsync(CommandKind.SyncSubscriptions, new { }, ct);
        await TickerRig.UntilAsync(() => Task.FromResult(rig.Ticker.Overflow.Count), count => count == 0, "the freed slot takes the instrument that did not fit");
        await TickerRig.UntilAsync(rig.StatsAsync, stats => stats.OpenConnectionSubscriptions.SequenceEqual([2]), "the socket holds the two active instruments");
        KeyValuePair<uint, KiteMode>[] expected = [new(chosen[1].Token, KiteMode.Full), new(chosen[2].Token, KiteMode.Ltp)];
        await TickerRig.UntilAsync(() => Task.FromResult(rig.Ticker.Connections[0].SubscribedModes),
            modes => modes.OrderBy(pair => pair.Key).SequenceEqual(expected.OrderBy(pair => pair.Key)), "the socket streams the two active instruments in their modes");
        await TickerRig.UntilAsync(() => HealthAsync(rig), report => report.GetProperty("status").GetString() == "Healthy", "all subscribed instruments stream again");
        Assert.Equal(["0", "2"], (await rig.GapsAsync()).Select(gap => gap.Connection));
    }

    [Fact]
    public async Task A_run_after_a_crash_records_the_gap_from_the_last_stored_tick_and_a_graceful_stop_is_not_recorded_twice()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "ticker_crash_gap", ticksPerSecond: 50, new Dictionary<string, string?>
        {
            ["Kite:MaxConnections"] = "1",
        });
        var rows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        var chosen = rows.Where(row => row is { Segment: "NSE", Type: "EQ" }).Take(2).ToList();
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, chosen, ct);
        foreach (var id in ids.Values)
        {
            await SimulatedInstruments.SubscribeAsync(rig.Database, id, "full");
        }
        // A running system has today's partition: without it the seeded ticks would wait in the default partition, and the
        // Ingestor's start-up maintenance moving them could race the crash check.
        await new PartitionMaintenance(rig.Database.DataSource, new StorageState(), Options.Create(new StorageOptions()), TimeProvider.System,
            NullLogger<PartitionMaintenance>.Instance).MaintainAsync(ct);
        // What a killed run leaves: ticks stored up to its death and no gap row. PostgreSQL keeps microseconds.
        var now = DateTimeOffset.UtcNow;
        var lastTick = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero).AddMinutes(-1);
        var (first, second) = (ids[chosen[0].Token], ids[chosen[1].Token]);
        await rig.Database.ExecuteAsync($"""
            INSERT INTO tick_data (time, instrument_id, last_price, received_at) VALUES
                ('{lastTick:O}', {first}, 100, '{lastTick:O}'),
                ('{lastTick.AddMinutes(-1):O}', {second}, 100, '{lastTick.AddMinutes(-1):O}')
            """);

        rig.StartIngestor();
        var gaps = await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].EndedAt is not null,
            "the crash gap is recorded and ended by the first data");
        var gap = gaps[0];
        Assert.Equal(("simulator", "ingestor/0"), (gap.Broker, gap.Connection));
        Assert.Equal(ids.Values.Order(), gap.InstrumentIds);
        Assert.Equal(lastTick, gap.StartedAt);
        // The writer stores in batches: the gap can end before the first new tick is in the table.
        var firstNewTick = await TickerRig.UntilAsync(
            () => rig.Database.ScalarAsync<DateTime>($"SELECT min(received_at) FROM tick_data WHERE received_at > '{lastTick:O}'"),
            stored => stored != default, "the first new tick is stored");
        Assert.InRange(gap.EndedAt!.Value, now, new DateTimeOffset(firstNewTick, TimeSpan.Zero));

        // A graceful stop leaves its own gap open; the next run ends that one and adds no crash gap beside it.
        await rig.StopIngestorAsync();
        Assert.Null(Assert.Single(await rig.GapsAsync(), open => open.EndedAt is null).EndedAt);
        rig.StartIngestor();
        await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 2 && gaps.All(closed => closed.EndedAt is not null),
            "the stop's gap is ended by the next run's data");
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        Assert.Equal(2, (await rig.GapsAsync()).Count);
    }

    private static KiteMode KiteModeOf(string mode) => mode switch
    {
        "ltp" => KiteMode.Ltp,
        "quote" => KiteMode.Quote,
        _ => KiteMode.Full,
    };

    private static async Task<JsonElement> HealthAsync(TickerRig rig)
    {
        using var client = rig.CreateIngestorClient();
        return await client.GetFromJsonAsync<JsonElement>("/health", TestContext.Current.CancellationToken);
    }

    private static async Task<Dictionary<int, (long Ltp, long Quote, long Full)>> PacketKindsSinceAsync(TickerRig rig, DateTimeOffset since)
    {
        await using var command = rig.Database.DataSource.CreateCommand("""
            SELECT instrument_id,
                   count(*) FILTER (WHERE exchange_time IS NULL AND volume = 0),
                   count(*) FILTER (WHERE exchange_time IS NULL AND volume > 0),
                   count(*) FILTER (WHERE exchange_time IS NOT NULL)
            FROM tick_data WHERE received_at > $1 GROUP BY instrument_id
            """);
        command.Parameters.AddWithValue(since);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var kinds = new Dictionary<int, (long, long, long)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            kinds[reader.GetInt32(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        return kinds;
    }
}
