using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Observability;
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
        // Full mode adds a depth topic to every instrument but the index.
        var topics = (chosen.Count * 2) - 1;

        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.OpenSubscriptions.SequenceEqual([topics]),
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
        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.OpenSubscriptions.SequenceEqual([topics]) && stats.LastAcknowledged.Single() > 0,
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

    [Fact]
    public async Task Ltp_quote_and_full_store_what_their_mode_carries_and_the_order_book_dashboard_shows_the_depth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync("fyers_e2e_modes", FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)));
        var master = await SymbolMasterAsync(rig, ct);
        var equities = master.Where(i => i.FyersSymbol.EndsWith("-EQ", StringComparison.Ordinal)).Take(3).ToList();
        var nifty = master.Single(i => i.FyersSymbol == "NSE:NIFTY50-INDEX");
        var ids = await InsertAsync(rig.Database, [.. equities, nifty], ct);
        var (ltp, quote, full, index) = (ids[equities[0].FyersSymbol], ids[equities[1].FyersSymbol], ids[equities[2].FyersSymbol], ids[nifty.FyersSymbol]);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ltp, "ltp");
        await SimulatedInstruments.SubscribeAsync(rig.Database, quote, "quote");
        await SimulatedInstruments.SubscribeAsync(rig.Database, full, "full");
        await SimulatedInstruments.SubscribeAsync(rig.Database, index, "full");
        var depthTopic = TopicOf(equities[2], FyersDataType.DepthUpdate);
        // The mode change at the end is picked up by the next refresh of the subscription set.
        rig.Configure("Fyers:SubscriptionRefreshInterval", "00:00:01");

        rig.StartIngestor();

        // Four quote topics and one depth topic: an index has no depth to ask for.
        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.OpenSubscriptions.SequenceEqual([5]) && stats.RecordsByTopic.GetValueOrDefault(depthTopic) > 5,
            "one socket streams the four quote topics and the full equity's depth");
        var modes = await TickerRig.UntilAsync(() => ModeRowsAsync(rig, ct),
            rows => ids.Values.All(id => rows.TryGetValue(id, out var row) && row.Rows > 20) && rows[full].WithBook > 0,
            "every mode has stored ticks, and the full equity's carry its book");
        var sent = await FyersStatsAsync(rig);
        var assigned = rig.Services.GetRequiredService<FyersFeed>().Connection.Assigned;

        Assert.Equal([depthTopic], sent.RecordsByTopic.Keys.Where(topic => topic.StartsWith("dp|", StringComparison.Ordinal)));
        Assert.Equal(FyersTopicAssignment.LiteChannel, assigned[TopicOf(equities[0], FyersDataType.SymbolUpdate)].Channel);
        Assert.Equal(FyersTopicAssignment.FullChannel, assigned[TopicOf(equities[1], FyersDataType.SymbolUpdate)].Channel);
        Assert.Equal(new ModeRows(modes[ltp].Rows, 0, 0, 0), modes[ltp]);
        Assert.True(modes[quote] is { WithBook: 0, WithVolume: > 0, WithExchangeTime: > 0 }, $"quote rows: {modes[quote]}");
        Assert.True(modes[full] is { WithVolume: > 0, WithExchangeTime: > 0 }, $"full rows: {modes[full]}");
        Assert.True(modes[index] is { WithBook: 0, WithExchangeTime: > 0 }, $"index rows: {modes[index]}");
        Assert.True(await CrossedBooksAsync(rig, full, ct) == 0, "every stored best bid is below its best ask");

        var books = await OrderBookPanel.BooksShownAsync(rig.Database.DataSource, full, ct);
        Assert.True(books > 0, "the order-book dashboard's best bid and ask panel shows the Fyers depth");

        // ltp → full: the quote topic leaves the lite channel for the full one and the depth topic joins it.
        var promotedDepth = TopicOf(equities[0], FyersDataType.DepthUpdate);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ltp, "full");
        await TickerRig.UntilAsync(() => FyersStatsAsync(rig), stats => stats.OpenSubscriptions.SequenceEqual([6]) && stats.RecordsByTopic.GetValueOrDefault(promotedDepth) > 5,
            "the promoted equity streams its quote and depth topics");
        await TickerRig.UntilAsync(() => ModeRowsAsync(rig, ct), rows => rows[ltp] is { WithBook: > 0, WithVolume: > 0 },
            "the promoted equity's ticks carry its volume and book");
        Assert.Equal(FyersTopicAssignment.FullChannel,
            rig.Services.GetRequiredService<FyersFeed>().Connection.Assigned[TopicOf(equities[0], FyersDataType.SymbolUpdate)].Channel);
    }

    [Fact]
    public async Task An_expired_token_drops_the_socket_and_health_asks_for_a_login_while_history_says_expired()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await StartAsync("fyers_token_lapse", FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)));
        rig.Configure("Fyers:ApiBaseUrl", rig.SimulatorUrl.ToString());
        var master = await SymbolMasterAsync(rig, ct);
        var ids = await InsertAsync(rig.Database, master.Where(i => i.FyersSymbol.EndsWith("-EQ", StringComparison.Ordinal)).Take(1), ct);
        await SimulatedInstruments.SubscribeAsync(rig.Database, ids.Values.Single(), "full");
        rig.StartIngestor();
        var feed = rig.Services.GetRequiredService<FyersFeed>();
        await TickerRig.UntilAsync(rig.StoredCountsAsync, counts => counts.GetValueOrDefault(ids.Values.Single()) > 0, "ticks are stored");

        await rig.FaultAsync("token-expired");

        await TickerRig.UntilAsync(() => Task.FromResult(feed.Connection.State), state => state == FyersConnectionState.WaitingForToken,
            "the redialled socket is refused and waits for a login");
        var condition = rig.Services.GetRequiredService<FyersFeedHealthCheck>().Assess();
        Assert.Equal(FeedState.LoginNeeded, condition.State);
        Assert.True(condition.Degraded);
        Assert.Contains("log in again", condition.Description, StringComparison.Ordinal);
        var to = DateTimeOffset.UtcNow;
        var error = await Assert.ThrowsAsync<FyersApiException>(() =>
            rig.Services.GetRequiredService<FyersHistoryClient>().GetHistoryAsync("NSE:INFY-EQ", "1", to.AddMinutes(-10), to, withOpenInterest: false, ct));
        Assert.Equal((FyersApiErrorKind.Authentication, -8), (error.Error.Kind, error.Error.Code));
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


    private static string TopicOf(FyersInstrument instrument, FyersDataType dataType = FyersDataType.SymbolUpdate) =>
        FyersTopicNames.TryCreate(instrument, dataType, out var topic) ? topic : throw new InvalidOperationException(instrument.FyersSymbol);

    /// <summary>Per instrument: rows stored, and how many carry a best bid and ask, a volume, an exchange time.</summary>
    private static async Task<Dictionary<int, ModeRows>> ModeRowsAsync(TickerRig rig, CancellationToken ct)
    {
        await using var command = rig.Database.DataSource.CreateCommand("""
            SELECT instrument_id, count(*), count(*) FILTER (WHERE bid_price IS NOT NULL AND ask_price IS NOT NULL),
                   count(*) FILTER (WHERE volume > 0), count(exchange_time)
            FROM tick_data GROUP BY instrument_id
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new Dictionary<int, ModeRows>();
        while (await reader.ReadAsync(ct))
        {
            rows[reader.GetInt32(0)] = new ModeRows(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        return rows;
    }

    private static async Task<long> CrossedBooksAsync(TickerRig rig, int instrumentId, CancellationToken ct)
    {
        await using var command = rig.Database.DataSource.CreateCommand("SELECT count(*) FROM tick_data WHERE instrument_id = $1 AND bid_price >= ask_price");
        command.Parameters.AddWithValue(instrumentId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private sealed record ModeRows(long Rows, long WithBook, long WithVolume, long WithExchangeTime);

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
