using System.Globalization;
using System.Net;
using System.Text.Json;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Backfill;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.Api;

public sealed class HistoricalApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_backfill_writes_the_job_the_Ingestor_reads_and_sends_the_command()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        int ce = context.Instruments["NIFTY26NOV24000CE"], expired = context.Instruments["NIFTY26OCT24000CE"];
        var to = DateTimeOffset.UtcNow.AddHours(-1);
        var from = to.AddDays(-7);

        using var response = await client.SendAsync(SubscriptionsApiTests.Post("/api/historical/backfill", Backfill([ce, expired, ce], from, to, "5m")), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var jobId = accepted.RootElement.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/historical/jobs/{jobId}", response.Headers.Location?.ToString());
        var store = new BackfillJobStore(context.Database.DataSource);
        var job = await store.GetJobAsync(jobId, Ct);
        Assert.NotNull(job);
        Assert.Equal(("queued", "5m"), (job.Status, job.Interval));
        Assert.Equal(from.ToUnixTimeMilliseconds(), job.From.ToUnixTimeMilliseconds());
        Assert.Equal(to.ToUnixTimeMilliseconds(), job.To.ToUnixTimeMilliseconds());
        var items = await store.GetItemsAsync(jobId, Ct);
        Assert.Equal(new[] { ce, expired }.Order(), items.Select(item => item.InstrumentId));
        Assert.All(items, item => Assert.Equal(("queued", null, 0), (item.Status, item.FetchedTo, item.CandlesWritten)));
        Assert.Contains(jobId, await store.GetUnfinishedJobsAsync(Ct));
        var command = Assert.Single(await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream));
        Assert.Equal(CommandKind.Backfill, (string?)command["kind"]);
        using var payload = JsonDocument.Parse((string)command["payload"]!);
        Assert.Equal(jobId, payload.RootElement.GetProperty("jobId").GetGuid());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_job_reports_progress_per_instrument_as_the_Ingestor_records_it()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        int running = context.Instruments["RELIANCE"], failing = context.Instruments["NIFTY26NOVFUT"];
        var to = DateTimeOffset.UtcNow.AddDays(-1);
        var from = to.AddDays(-4);
        using var accepted = await client.SendAsync(SubscriptionsApiTests.Post("/api/historical/backfill", Backfill([running, failing], from, to, "1m")), Ct);
        var location = accepted.Headers.Location!.ToString();

        var store = new BackfillJobStore(context.Database.DataSource);
        var jobId = Guid.Parse(location[(location.LastIndexOf('/') + 1)..]);
        await store.StartJobAsync(jobId, Ct);
        await store.WriteWindowAsync(jobId, running, "kite", Array.Empty<HistoryCandle>(), from.AddDays(1), Ct);
        await store.SetItemStatusAsync(jobId, failing, "failed", "Kite said: invalid token", Ct);
        using var progress = JsonDocument.Parse(await client.GetStringAsync(location, Ct));

        var root = progress.RootElement;
        Assert.Equal("running", root.GetProperty("status").GetString());
        var items = root.GetProperty("items").EnumerateArray().ToDictionary(item => item.GetProperty("token").GetInt32());
        Assert.Equal(25, items[running].GetProperty("percent").GetDouble());
        Assert.Equal("running", items[running].GetProperty("status").GetString());
        Assert.Equal(from.AddDays(1).ToUnixTimeSeconds(), items[running].GetProperty("fetchedTo").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal("failed", items[failing].GetProperty("status").GetString());
        Assert.Equal("NIFTY26NOVFUT", items[failing].GetProperty("tradingsymbol").GetString());
        Assert.Equal(62.5, root.GetProperty("percent").GetDouble());
        Assert.Contains(root.GetProperty("errors").EnumerateArray(), error => error.GetString()!.Contains("invalid token", StringComparison.Ordinal));

        await store.FinishJobAsync(jobId, "succeeded", null, Ct);
        using var done = JsonDocument.Parse(await client.GetStringAsync(location, Ct));
        Assert.Equal(100, done.RootElement.GetProperty("percent").GetDouble());
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_job_is_404_and_a_bad_id_is_400()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var unknown = await client.GetAsync($"/api/historical/jobs/{Guid.NewGuid()}", Ct);
        using var bad = await client.GetAsync("/api/historical/jobs/not-a-guid", Ct);

        await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await Problems.AssertFieldProblemAsync(bad, "id");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("inverted", "to")]
    [InlineData("future", "to")]
    [InlineData("huge", "to")]
    [InlineData("unknown", "tokens")]
    [InlineData("interval", "interval")]
    [InlineData("no-from", "from")]
    [InlineData("from-not-a-time", "from")]
    [InlineData("no-tokens", "tokens")]
    public async Task A_bad_backfill_is_a_400_naming_the_field(string mistake, string field)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        int[] tokens = [context.Instruments["RELIANCE"]];
        var to = DateTimeOffset.UtcNow.AddHours(-1);
        var from = to.AddDays(-7);
        var json = mistake switch
        {
            "inverted" => Backfill(tokens, to, from, "1m"),
            "future" => Backfill(tokens, from, DateTimeOffset.UtcNow.AddDays(2), "1m"),
            "huge" => Backfill(tokens, to.AddDays(-61), to, "1m"),
            "unknown" => Backfill([tokens[0], 555_555], from, to, "1m"),
            "interval" => Backfill(tokens, from, to, "2m"),
            "no-from" => $$"""{"tokens":[{{tokens[0]}}]}""",
            "from-not-a-time" => $$"""{"tokens":[{{tokens[0]}}],"from":"last week"}""",
            _ => $$"""{"from":"{{from:O}}","to":"{{to:O}}"}""",
        };

        using var response = await client.SendAsync(SubscriptionsApiTests.Post("/api/historical/backfill", json), Ct);

        await Problems.AssertFieldProblemAsync(response, field);
        Assert.Equal(0, await context.Redis.GetDatabase().StreamLengthAsync(api.CommandStream));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_backfill_without_the_key_is_401()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        var to = DateTimeOffset.UtcNow.AddHours(-1);

        using var response = await client.SendAsync(
            SubscriptionsApiTests.Post("/api/historical/backfill", Backfill([context.Instruments["RELIANCE"]], to.AddDays(-1), to, "1m"), key: null), Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact(Timeout = 60_000)]
    public async Task Candles_from_ticks_are_built_with_the_rise_of_cumulative_volume()
    {
        var token = context.Instruments["RELIANCE"];
        await context.Database.TickAsync(token, "2026-11-20 09:15:05", 100m, 1000);
        await context.Database.TickAsync(token, "2026-11-20 09:16:10", 102m, 1500);
        await context.Database.TickAsync(token, "2026-11-20 09:17:30", 99m, 2100);
        await context.Database.TickAsync(token, "2026-11-20 09:20:10", 101m, 2600);
        await context.Database.ExecuteAsync("SELECT refresh_candles_1m('2026-11-20T03:00Z', '2026-11-20T05:00Z')");
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        // The '+' of the offset left unencoded arrives as a space, and is still read as +05:30.
        using var series = await GetAsync(client, $"/api/historical/candles?token={token}&from=2026-11-20T09:15:00+05:30&to=2026-11-20T09:25&interval=5m");

        var candles = series.RootElement.GetProperty("candles").EnumerateArray().ToList();
        Assert.Equal(2, candles.Count);
        Assert.Equal(TickTape.At("2026-11-20 09:15"), candles[0].GetProperty("time").GetDateTimeOffset());
        Assert.Equal((100m, 102m, 99m, 99m, 2100L), Ohlcv(candles[0]));
        Assert.Equal((101m, 101m, 101m, 101m, 500L), Ohlcv(candles[1]));
        Assert.All(candles, candle => Assert.Equal("ticks", candle.GetProperty("source").GetString()));
        Assert.Equal(["ticks"], series.RootElement.GetProperty("sources").EnumerateArray().Select(source => source.GetString()));
        Assert.Equal("RELIANCE", series.RootElement.GetProperty("tradingsymbol").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Candles_say_when_broker_history_was_used()
    {
        var token = context.Instruments["NIFTY26NOV24100CE"];
        await context.Database.TickAsync(token, "2026-11-19 09:15:10", 50m, 100);
        await context.Database.BrokerCandleAsync(token, "2026-11-19 09:16", 51m, 52m, 50m, 51m, 40);
        await context.Database.ExecuteAsync("SELECT refresh_candles_1m('2026-11-19T03:00Z', '2026-11-19T05:00Z')");
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var minutes = await GetAsync(client, $"/api/historical/candles?token={token}&from=2026-11-19T03:45:00Z&to=2026-11-19T03:50:00Z&interval=1m");
        using var fiveMinutes = await GetAsync(client, $"/api/historical/candles?token={token}&from=2026-11-19&to=2026-11-20&interval=5m");

        Assert.Equal(["ticks", "broker"], minutes.RootElement.GetProperty("candles").EnumerateArray().Select(candle => candle.GetProperty("source").GetString()));
        Assert.Equal(["broker", "ticks"], minutes.RootElement.GetProperty("sources").EnumerateArray().Select(source => source.GetString()));
        var candle = Assert.Single(fiveMinutes.RootElement.GetProperty("candles").EnumerateArray());
        Assert.Equal("mixed", candle.GetProperty("source").GetString());
        Assert.Equal((50m, 52m, 50m, 51m, 140L), Ohlcv(candle));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("interval=2m", "interval")]
    [InlineData("from=2026-11-20T10:00Z&to=2026-11-20T09:00Z", "to")]
    [InlineData("from=2026-01-01&to=2026-03-01&interval=1m", "to")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-20T25:00Z", "from")]
    [InlineData("from=0001-01-01", "from")]
    [InlineData("from=0001-01-01T00:00", "from")]
    [InlineData("from=1900-01-01&interval=1d", "to")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("token=abc", "token")]
    [InlineData("token=-5", "token")]
    [InlineData("noFrom", "from")]
    public async Task A_bad_candle_request_is_a_400_naming_the_field(string query, string field)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        var defaults = new Dictionary<string, string>
        {
            ["token"] = context.Instruments["RELIANCE"].ToString(CultureInfo.InvariantCulture),
            ["from"] = "2026-11-20T09:15Z",
            ["to"] = "2026-11-20T10:15Z",
            ["interval"] = "5m",
        };
        foreach (var pair in query.Split('&'))
        {
            if (pair == "noFrom")
            {
                defaults.Remove("from");
                continue;
            }
            var parts = pair.Split('=', 2);
            defaults[parts[0]] = parts[1];
        }

        using var response = await client.GetAsync($"/api/historical/candles?{string.Join('&', defaults.Select(p => $"{p.Key}={p.Value}"))}", Ct);

        await Problems.AssertFieldProblemAsync(response, field);
    }

    [Fact(Timeout = 60_000)]
    public async Task Candles_of_an_unknown_instrument_are_404()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync("/api/historical/candles?token=777777&from=2026-11-20&to=2026-11-21&interval=1h", Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static string Backfill(int[] tokens, DateTimeOffset from, DateTimeOffset to, string interval) =>
        $$"""{"tokens":[{{string.Join(',', tokens)}}],"from":"{{from:O}}","to":"{{to:O}}","interval":"{{interval}}"}""";

    private static (decimal, decimal, decimal, decimal, long) Ohlcv(JsonElement candle) => (
        candle.GetProperty("open").GetDecimal(), candle.GetProperty("high").GetDecimal(), candle.GetProperty("low").GetDecimal(),
        candle.GetProperty("close").GetDecimal(), candle.GetProperty("volume").GetInt64());

    private static async Task<JsonDocument> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
