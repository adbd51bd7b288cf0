using System.Text.Json;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;

namespace TradingHelper.Tests.EndToEnd;

/// <summary>Issue 13: two Ingestors on one database share the subscriptions by leases, over real sockets.</summary>
public sealed class IngestorHandoverTests(TestServers servers)
{
    private const int Instruments = 40;

    [Fact]
    public async Task Two_Ingestors_split_the_subscriptions_and_when_one_stops_the_other_streams_all_with_the_handover_backfilled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await MarketRig.StartKiteAroundTheClockAsync(servers, "e2e_handover", new Dictionary<string, string?>
        {
            // A stopping Ingestor releases its leases, so their lifetime never slows this test; a long one keeps a pause of
            // a starved test process from being taken for a death (a takeover the test did not ask for).
            ["Leases:Duration"] = "00:00:15",
            ["Leases:RenewInterval"] = "00:00:00.500",
        });
        rig.StartIngestor();
        rig.StartApi();
        using var api = rig.CreateApiClient();
        var stocks = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, $"/api/instruments?exchange=NSE&type=EQ&pageSize={Instruments}"),
            page => page.GetProperty("items").GetArrayLength() == Instruments, "the start-up sync brings the stocks", page => page.ToString());
        var tokens = stocks.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("token").GetInt32()).Order().ToArray();
        await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens, mode = "full" });
        await MarketRig.UntilAsync(rig.StoredCountsAsync, counts => tokens.All(token => counts.GetValueOrDefault(token) > 0),
            "one Ingestor streams every subscribed instrument", Describe);

        rig.StartPeerIngestor("ingestor-2");
        var split = await MarketRig.UntilAsync(() => HoldersAsync(rig), holders => holders.GetValueOrDefault("ingestor") == Instruments / 2
            && holders.GetValueOrDefault("ingestor-2") == Instruments / 2, "the newcomer holds half the leases", Describe);
        var peerShare = await LeasedToAsync(rig, "ingestor-2");
        var splitAt = await rig.Database.ScalarAsync<DateTime>("SELECT now()");
        await MarketRig.UntilAsync(() => StoredSinceAsync(rig, splitAt), counts => tokens.All(token => counts.GetValueOrDefault(token) > 0),
            "both Ingestors stream their halves", Describe);

        await rig.StopPeerIngestorAsync("ingestor-2");
        var stoppedAt = await rig.Database.ScalarAsync<DateTime>("SELECT now()");
        await MarketRig.UntilAsync(() => HoldersAsync(rig), holders => holders.GetValueOrDefault("ingestor") == Instruments,
            "the remaining Ingestor holds every lease", Describe);
        await MarketRig.UntilAsync(() => StoredSinceAsync(rig, stoppedAt), counts => tokens.All(token => counts.GetValueOrDefault(token) > 0),
            "every instrument streams again", Describe);

        // Each handover is a gap of the instruments that moved, ended and backfilled like any outage.
        var gaps = await MarketRig.UntilAsync(() => GapsAsync(api),
            gaps => gaps.Any(gap => Connection(gap) == "ingestor/handover") && gaps.All(gap => !gap.GetProperty("open").GetBoolean()
                && gap.GetProperty("backfill") is { ValueKind: JsonValueKind.Object } backfill
                && backfill.GetProperty("status").GetString() is not ("queued" or "running")),
            "every gap is ended and its backfill finished", Describe);
        Assert.All(gaps, gap => Assert.True(gap.GetProperty("backfill").GetProperty("status").GetString() == "succeeded", $"gap: {gap}"));
        var takenBack = gaps.Where(gap => Connection(gap) == "ingestor/handover")
            .SelectMany(gap => gap.GetProperty("instruments").EnumerateArray().Select(instrument => instrument.GetProperty("token").GetInt32()));
        Assert.Equal(peerShare, takenBack.Distinct().Order());
        Assert.Contains(gaps, gap => Connection(gap) == "ingestor-2/handover");

        // No instrument was ever on two sockets at once (the simulator counts every such subscription), and every tick the
        // simulator sent is one row.
        await rig.StopIngestorAsync();
        using var stats = JsonDocument.Parse(await rig.Simulator.GetStringAsync("/_sim/stats", ct));
        Assert.Equal(0, stats.RootElement.GetProperty("subscriptionOverlaps").GetInt64());
        var sent = await rig.SentByKiteTokenAsync();
        var stored = await rig.StoredCountsAsync();
        Assert.Equal(sent.Values.Sum(), stored.Values.Sum());
    }

    private static async Task<Dictionary<string, long>> HoldersAsync(MarketRig rig)
    {
        await using var command = rig.Database.DataSource.CreateCommand(
            "SELECT coalesce(ingestor, '(released)'), count(*) FROM instrument_leases WHERE expires_at > now() OR ingestor IS NULL GROUP BY 1");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var holders = new Dictionary<string, long>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            holders[reader.GetString(0)] = reader.GetInt64(1);
        }
        return holders;
    }

    private static async Task<int[]> LeasedToAsync(MarketRig rig, string ingestor)
    {
        await using var command = rig.Database.DataSource.CreateCommand($"SELECT instrument_id FROM instrument_leases WHERE ingestor = '{ingestor}' ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ids = new List<int>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }
        return [.. ids];
    }

    private static async Task<Dictionary<int, long>> StoredSinceAsync(MarketRig rig, DateTime since)
    {
        await using var command = rig.Database.DataSource.CreateCommand(
            "SELECT instrument_id, count(*) FROM tick_data WHERE received_at > $1 GROUP BY instrument_id");
        command.Parameters.AddWithValue(since);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var counts = new Dictionary<int, long>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            counts[reader.GetInt32(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    private static async Task<List<JsonElement>> GapsAsync(HttpClient api) =>
        [.. (await MarketRig.GetJsonAsync(api, "/api/gaps")).GetProperty("items").EnumerateArray()];

    private static string? Connection(JsonElement gap) => gap.GetProperty("connection").GetString();

    private static string Describe<TKey, TValue>(Dictionary<TKey, TValue> counts) where TKey : notnull =>
        string.Join(", ", counts.Select(pair => $"{pair.Key}={pair.Value}"));

    private static string Describe(List<JsonElement> gaps) => $"[{string.Join(", ", gaps)}]";
}
