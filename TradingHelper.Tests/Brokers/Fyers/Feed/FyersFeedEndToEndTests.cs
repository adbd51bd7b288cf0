using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>The simulator's Fyers data socket on a real port, the Ingestor with <c>Broker:Kind=fyers</c> dialling it, and the real database behind the writer.</summary>
public sealed class FyersFeedEndToEndTests(TestServers servers)
{
    [Fact]
    public async Task Every_record_sent_is_stored_once_through_a_close_and_bad_frames()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync("fyers_e2e", FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)));
        var master = await SymbolMasterAsync(rig, ct);
        var chosen = master.Where(i => i.FyersSymbol.EndsWith("-EQ", StringComparison.Ordinal)).Take(4)
            .Concat(master.Where(i => i.FyersSymbol == "NSE:NIFTY50-INDEX"))
            .Concat(master.Where(i => i.FyersSymbol.EndsWith("FUT", StringComparison.Ordinal)).Take(4)).ToList();
        var ids = await InsertAsync(rig.Database, chosen, ct);
        foreach (var id in ids.Values)
        {
            await SimulatedInstruments.SubscribeAsync(rig.Database, id, "full");
        }

        rig.StartIngestor();
        using var probe = new MetricProbe(rig.Services.GetRequiredService<IMeterFactory>());
        var feed = rig.Services.GetRequiredService<FyersFeed>();

        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.OpenSubscriptions.SequenceEqual([chosen.Count]),
            "the simulator holds one authenticated socket with every topic");
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => ids.Values.All(id => counts.GetValueOrDefault(id) > 0),
            "every subscribed instrument has stored ticks");

        await rig.FaultAsync("malformed", count: 3);
        await rig.FaultAsync("truncated", count: 2);
        await TickerRig.UntilAsync(() => Task.FromResult(probe.Sum("tradinghelper.broker.frames.bad")), sum => sum == 5,
            "five bad frames are counted and skipped");
        Assert.Equal(5, feed.Connection.MalformedFrames);

        var beforeClose = TimeProvider.System.GetUtcNow();
        await rig.FaultAsync("close");
        var gap = Assert.Single(await TickerRig.UntilAsync(rig.GapsAsync, gaps => gaps.Count == 1 && gaps[0].EndedAt is not null,
            "the close recorded one gap, closed after resubscribing"));
        // The gap starts at the socket's last frame, which can be read just after the fault request returns: the clocks
        // the test reads only bound the close from both sides, so the gap must overlap that window.
        var closeSeen = TimeProvider.System.GetUtcNow();
        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.OpenSubscriptions.SequenceEqual([chosen.Count]) && stats.LastAcknowledged.Single() > 0,
            "the new socket is subscribed to every topic again and the client acks its data frames");
        Assert.Equal(FyersConnectionState.Up, feed.Connection.State);
        Assert.Equal(feed.Connection.Assigned.Keys.Order(), feed.Connection.Subscribed.Order());
        var sentBeforeStop = (await FyersStatsAsync(rig)).RecordsByTopic.Values.Sum();
        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.RecordsByTopic.Values.Sum() > Math.Max(sentBeforeStop, 100) + 100,
            "records flow again on the new socket");
        Assert.Equal(1, probe.Sum("tradinghelper.feed.gaps"));

        await rig.StopIngestorAsync();
        var sent = await FyersStatsAsync(rig);
        var stored = await rig.StoredCountsAsync();
        var topicOf = chosen.ToDictionary(instrument => instrument.FyersSymbol, instrument => TopicOf(instrument));
        var mismatches = chosen
            .Where(i => sent.RecordsByTopic.GetValueOrDefault(topicOf[i.FyersSymbol]) != stored.GetValueOrDefault(ids[i.FyersSymbol]))
            .Select(i => $"{i.FyersSymbol}: sent {sent.RecordsByTopic.GetValueOrDefault(topicOf[i.FyersSymbol])}, stored {stored.GetValueOrDefault(ids[i.FyersSymbol])}")
            .ToList();
        Assert.True(mismatches.Count == 0, $"Records sent and ticks stored differ: {string.Join("; ", mismatches)}");

        Assert.Equal(("fyers", "ingestor/0"), (gap.Broker, gap.Connection));
        Assert.Equal(ids.Values.Order(), gap.InstrumentIds);
        Assert.True(gap.StartedAt <= closeSeen && gap.EndedAt >= beforeClose,
            $"gap {gap} must overlap the close, requested at {beforeClose:HH:mm:ss.fff} and seen over at {closeSeen:HH:mm:ss.fff}");
    }

    [Fact]
    public async Task Stored_ticks_carry_rupees_volume_open_interest_best_bid_ask_and_exchange_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync("fyers_e2e_values", FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)));
        var master = await SymbolMasterAsync(rig, ct);
        var future = master.First(i => i.FyersSymbol.EndsWith("FUT", StringComparison.Ordinal));
        var ids = await InsertAsync(rig.Database, [future], ct);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids[future.FyersSymbol], "full");

        rig.StartIngestor();
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => counts.GetValueOrDefault(ids[future.FyersSymbol]) > 5, "ticks are stored");
        await using var command = rig.Database.DataSource.CreateCommand(
            "SELECT last_price, volume, oi, bid_price, ask_price, exchange_time FROM tick_data ORDER BY received_at DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        Assert.True(await reader.ReadAsync(ct));
        var lastPrice = reader.GetDecimal(0);
        Assert.True(lastPrice > 0);
        Assert.Equal(lastPrice, decimal.Round(lastPrice, 2));
        Assert.True(reader.GetInt64(1) > 0);
        Assert.True(reader.GetInt64(2) > 0);
        Assert.True(reader.GetDecimal(3) < reader.GetDecimal(4));
        Assert.InRange(reader.GetFieldValue<DateTimeOffset>(5), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Theory]
    [InlineData("expired", "Expired")]
    [InlineData("refused", "refused")]
    [InlineData("missing", "log in at /api/brokers/fyers/login")]
    public async Task An_unusable_token_is_a_health_problem_not_a_crash(string kind, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        var token = kind switch
        {
            "expired" => FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(-1)),
            "refused" => FyersTestTokens.Create(new string('e', 56), DateTimeOffset.UtcNow.AddHours(1)),
            _ => "",
        };
        await using var rig = await StartAsync("fyers_token_" + kind, token);
        var master = await SymbolMasterAsync(rig, ct);
        var ids = await InsertAsync(rig.Database, master.Where(i => i.FyersSymbol.EndsWith("-EQ", StringComparison.Ordinal)).Take(1), ct);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids.Values.Single(), "full");

        rig.StartIngestor();
        var feed = rig.Services.GetRequiredService<FyersFeed>();
        await TickerRig.UntilAsync(() => Task.FromResult(feed.Connection.State), state => state == FyersConnectionState.WaitingForToken,
            "the data socket waits for a usable token");
        var report = await rig.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct);
        var entry = report.Entries["fyers-feed"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains(expected, entry.Description, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await rig.StoredCountsAsync());
    }

    private async Task<TickerRig> StartAsync(string purpose, string accessToken)
    {
        var rig = await TickerRig.StartAsync(servers, purpose, ticksPerSecond: 100, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:AccessToken"] = accessToken,
            ["Fyers:WatchdogTimeout"] = "00:00:02",
            ["Fyers:HeartbeatInterval"] = "00:00:00.200",
            ["Fyers:ReconnectInitialDelay"] = "00:00:00.050",
            ["Fyers:ReconnectMaxDelay"] = "00:00:01",
            ["Fyers:TokenRetryInterval"] = "00:10:00",
        });
        rig.Configure("Fyers:DataSocketUrl", $"ws://127.0.0.1:{rig.SimulatorUrl.Port}/hsm/v1-5/prod");
        // Never the real Fyers host from a test; rows are seeded before start, so the start-up sync does not run anyway.
        rig.Configure("Fyers:SymbolMasterUrl", new Uri(rig.SimulatorUrl, "/sym_details/").ToString());
        return rig;
    }


    private static string TopicOf(FyersInstrument instrument) =>
        FyersTopicNames.TryCreate(instrument, FyersDataType.SymbolUpdate, out var topic) ? topic : throw new InvalidOperationException(instrument.FyersSymbol);

    private static async Task<List<FyersInstrument>> SymbolMasterAsync(TickerRig rig, CancellationToken ct)
    {
        var master = new FyersSymbolMaster();
        var instruments = new List<FyersInstrument>();
        foreach (var file in new[] { "NSE_CM.csv", "NSE_FO.csv" })
        {
            using var csv = new StringReader(await rig.Simulator.GetStringAsync($"/sym_details/{file}", ct));
            instruments.AddRange(master.Read(csv));
        }
        Assert.Equal(0, master.SkippedRows);
        return instruments;
    }

    /// <summary>Inserts the instruments with their Fyers symbol and fytoken and returns their ids by Fyers symbol.</summary>
    private static async Task<Dictionary<string, int>> InsertAsync(StorageTestDatabase database, IEnumerable<FyersInstrument> instruments, CancellationToken ct)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var instrument in instruments)
        {
            await using var command = database.DataSource.CreateCommand("""
                INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, expiry, strike, tick_size, lot_size, fyers_symbol, fyers_token)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                RETURNING instrument_id
                """);
            command.Parameters.AddWithValue(instrument.Exchange);
            command.Parameters.AddWithValue(instrument.TradingSymbol);
            command.Parameters.AddWithValue(instrument.Name);
            command.Parameters.AddWithValue(instrument.Segment);
            command.Parameters.AddWithValue(instrument.InstrumentType);
            command.Parameters.AddWithValue((object?)instrument.Expiry ?? DBNull.Value);
            command.Parameters.AddWithValue((object?)instrument.Strike ?? DBNull.Value);
            command.Parameters.AddWithValue(instrument.TickSize > 0 ? instrument.TickSize : 0.05m);
            // Indices have lot size 0 in the master; the table wants a positive one.
            command.Parameters.AddWithValue(Math.Max(instrument.LotSize, 1));
            command.Parameters.AddWithValue(instrument.FyersSymbol);
            command.Parameters.AddWithValue(instrument.FyersToken);
            ids[instrument.FyersSymbol] = (int)(await command.ExecuteScalarAsync(ct))!;
        }
        return ids;
    }

    private static async Task<FyersStatistics> FyersStatsAsync(TickerRig rig)
    {
        using var document = JsonDocument.Parse(await rig.Simulator.GetStringAsync("/_sim/stats", TestContext.Current.CancellationToken));
        var fyers = document.RootElement.GetProperty("fyers");
        var byTopic = fyers.GetProperty("recordsByTopic").EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetInt64());
        var open = fyers.GetProperty("connections").EnumerateArray().Where(connection => connection.GetProperty("authenticated").GetBoolean()).ToList();
        return new FyersStatistics(byTopic, [.. open.Select(connection => connection.GetProperty("subscriptions").GetInt32())],
            [.. open.Select(connection => connection.GetProperty("lastAcknowledged").GetInt64())]);
    }

    /// <summary>What the simulator sent on Fyers sockets: records per topic since start, and each open authenticated socket's topics and last ack.</summary>
    private sealed record FyersStatistics(Dictionary<string, long> RecordsByTopic, List<int> OpenSubscriptions, List<long> LastAcknowledged)
    {
        public override string ToString() => $"open [{string.Join(',', OpenSubscriptions)}], {RecordsByTopic.Values.Sum()} records";
    }
}
