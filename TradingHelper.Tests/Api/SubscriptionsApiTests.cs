using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Backfill;

namespace TradingHelper.Tests.Api;

public sealed class SubscriptionsApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Subscribing_records_the_rows_and_sends_one_sync_command()
    {
        // The stream must hold the sync command alone; the history job's command is the history tests' subject.
        await using var api = context.Start(("Api:Subscriptions:HistoryDays", "0"));
        using var client = api.Factory.CreateClient();
        int ce = context.Instruments["NIFTY26NOV24000CE"], pe = context.Instruments["NIFTY26NOV24000PE"];

        using var response = await client.SendAsync(Post("/api/instruments/subscribe", $$"""{"tokens":[{{ce}},{{pe}},{{ce}}],"mode":"Quote"}"""), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var change = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(2, change.RootElement.GetProperty("requested").GetInt32());
        Assert.Equal(2, change.RootElement.GetProperty("changed").GetInt32());
        Assert.All(change.RootElement.GetProperty("subscriptions").EnumerateArray(), state =>
        {
            Assert.Equal("quote", state.GetProperty("mode").GetString());
            Assert.True(state.GetProperty("active").GetBoolean());
        });
        Assert.Equal(2, await context.Database.ScalarAsync<long>($"SELECT count(*) FROM subscriptions WHERE active AND mode = 'quote' AND instrument_id IN ({ce}, {pe})"));
        var command = Assert.Single(await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream));
        Assert.Equal(CommandKind.SyncSubscriptions, (string?)command["kind"]);
        Assert.Equal(change.RootElement.GetProperty("commandId").GetString(), command.Id.ToString());
        using var payload = JsonDocument.Parse((string)command["payload"]!);
        Assert.Equal([ce, pe], payload.RootElement.GetProperty("instrumentIds").EnumerateArray().Select(id => id.GetInt32()));
        Assert.Equal("subscribe", payload.RootElement.GetProperty("change").GetString());

        using var list = JsonDocument.Parse(await client.GetStringAsync("/api/subscriptions", Ct));
        var listed = list.RootElement.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("token").GetInt32() == ce);
        Assert.Equal("quote", listed.GetProperty("mode").GetString());
        Assert.Equal("NIFTY26NOV24000CE", listed.GetProperty("instrument").GetProperty("tradingsymbol").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Unsubscribing_deactivates_the_row_and_sends_a_sync_command()
    {
        // The stream must hold the two sync commands alone, without the subscribe's history job between them.
        await using var api = context.Start(("Api:Subscriptions:HistoryDays", "0"));
        using var client = api.Factory.CreateClient();
        var token = context.Instruments["NIFTY26DEC24000CE"];
        using var subscribed = await client.SendAsync(Post("/api/instruments/subscribe", $$"""{"tokens":[{{token}}]}"""), Ct);
        Assert.Equal(HttpStatusCode.Accepted, subscribed.StatusCode);

        using var response = await client.SendAsync(Post("/api/instruments/unsubscribe", $$"""{"tokens":[{{token}}]}"""), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(await context.Database.ScalarAsync<bool>($"SELECT active FROM subscriptions WHERE instrument_id = {token}"));
        Assert.Equal("full", await context.Database.ScalarAsync<string>($"SELECT mode FROM subscriptions WHERE instrument_id = {token}"));
        var commands = await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream);
        Assert.Equal([CommandKind.SyncSubscriptions, CommandKind.SyncSubscriptions], commands.Select(command => (string?)command["kind"]));
        using var list = JsonDocument.Parse(await client.GetStringAsync("/api/subscriptions", Ct));
        Assert.DoesNotContain(list.RootElement.GetProperty("items").EnumerateArray(), item => item.GetProperty("token").GetInt32() == token);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unknown_and_expired_tokens_are_refused_naming_them_and_nothing_changes()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        int live = context.Instruments["RELIANCE"], expired = context.Instruments["NIFTY26OCT24000CE"];

        using var response = await client.SendAsync(Post("/api/instruments/subscribe", $$"""{"tokens":[{{live}},424242,{{expired}}]}"""), Ct);

        var messages = await Problems.AssertFieldProblemAsync(response, "tokens");
        Assert.Contains("424242", messages, StringComparison.Ordinal);
        Assert.Contains(expired.ToString(System.Globalization.CultureInfo.InvariantCulture), messages, StringComparison.Ordinal);
        Assert.Equal(0, await context.Database.ScalarAsync<long>($"SELECT count(*) FROM subscriptions WHERE instrument_id = {live}"));
        Assert.Equal(0, await context.Redis.GetDatabase().StreamLengthAsync(api.CommandStream));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("""{"tokens":[]}""", "tokens")]
    [InlineData("""{"mode":"full"}""", "tokens")]
    [InlineData("""{"tokens":["abc"]}""", "tokens[0]")]
    [InlineData("""{"tokens":[1, 2.5]}""", "tokens[1]")]
    [InlineData("""{"tokens":[0]}""", "tokens")]
    [InlineData("""{"tokens":[1,2,3,4]}""", "tokens")]
    [InlineData("""{"tokens":"1"}""", "tokens")]
    [InlineData("""{"tokens":[1],"mode":"turbo"}""", "mode")]
    [InlineData("""not json""", "body")]
    public async Task A_bad_body_is_a_400_naming_the_field(string json, string field)
    {
        await using var api = context.Start(("Api:Subscriptions:MaxTokensPerRequest", "3"));
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Post("/api/instruments/subscribe", json), Ct);

        await Problems.AssertFieldProblemAsync(response, field);
        Assert.Equal(0, await context.Redis.GetDatabase().StreamLengthAsync(api.CommandStream));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(null)]
    [InlineData("not-the-key-but-long-enough")]
    public async Task Changes_without_the_key_are_401(string? key)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        var body = $$"""{"tokens":[{{context.Instruments["RELIANCE"]}}]}""";

        using var subscribe = await client.SendAsync(Post("/api/instruments/subscribe", body, key), Ct);
        using var unsubscribe = await client.SendAsync(Post("/api/instruments/unsubscribe", body, key), Ct);

        await Problems.AssertProblemAsync(subscribe, HttpStatusCode.Unauthorized);
        await Problems.AssertProblemAsync(unsubscribe, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await context.Redis.GetDatabase().StreamLengthAsync(api.CommandStream));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_oversized_body_is_413()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        var tokens = string.Join(',', Enumerable.Range(1_000_000, 12_000));

        using var response = await client.SendAsync(Post("/api/instruments/subscribe", $$"""{"tokens":[{{tokens}}]}"""), Ct);

        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact(Timeout = 60_000)]
    public async Task Subscribing_backfills_the_last_five_trading_days_of_the_new_instruments_as_one_job()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        int future = await NewInstrumentAsync("HISTORYFUT"), option = await NewInstrumentAsync("HISTORY100CE");
        var before = DateTimeOffset.UtcNow;

        var change = await SubscribeAsync(client, [future, option], "full");

        var after = DateTimeOffset.UtcNow;
        var history = change.GetProperty("history");
        var jobId = history.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/historical/jobs/{jobId}", history.GetProperty("link").GetString());
        Assert.Equal(5, history.GetProperty("days").GetInt32());
        Assert.Equal([future, option], history.GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32()).Order());
        Assert.Equal(JsonValueKind.Null, history.GetProperty("error").ValueKind);
        // From the open of the fifth NSE weekday back (today counting) to the start of the minute of the request.
        var from = history.GetProperty("from").GetDateTimeOffset();
        var to = history.GetProperty("to").GetDateTimeOffset();
        Assert.Contains(from, new[] { OpenOfFifthWeekdayBack(before), OpenOfFifthWeekdayBack(after) });
        Assert.True(to >= Minute(before) && to <= Minute(after) && to == Minute(to), $"to {to:O} is not the minute of a request made between {before:O} and {after:O}");

        var store = new BackfillJobStore(context.Database.DataSource);
        var job = await store.GetJobAsync(jobId, Ct);
        Assert.NotNull(job);
        Assert.Equal(("queued", "1m", from, to), (job.Status, job.Interval, job.From, job.To));
        Assert.Equal([future, option], (await store.GetItemsAsync(jobId, Ct)).Select(item => item.InstrumentId).Order());
        var commands = await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream);
        Assert.Equal([CommandKind.SyncSubscriptions, CommandKind.Backfill], commands.Select(command => (string?)command["kind"]));
        Assert.Equal(history.GetProperty("commandId").GetString(), commands[1].Id.ToString());
        using var payload = JsonDocument.Parse((string)commands[1]["payload"]!);
        Assert.Equal(jobId, payload.RootElement.GetProperty("jobId").GetGuid());
        using var progress = JsonDocument.Parse(await client.GetStringAsync(history.GetProperty("link").GetString(), Ct));
        Assert.Equal("queued", progress.RootElement.GetProperty("status").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task Only_instruments_a_subscribe_makes_active_get_history()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        int watched = await NewInstrumentAsync("WATCHEDCE"), added = await NewInstrumentAsync("ADDEDPE");
        Assert.NotEqual(JsonValueKind.Null, (await SubscribeAsync(client, [watched], "full")).GetProperty("history").ValueKind);

        // Subscribed again, in the same mode or another: the history is there already.
        Assert.Equal(JsonValueKind.Null, (await SubscribeAsync(client, [watched], "full")).GetProperty("history").ValueKind);
        var modeChange = await SubscribeAsync(client, [watched], "quote");
        Assert.Equal(1, modeChange.GetProperty("changed").GetInt32());
        Assert.Equal(JsonValueKind.Null, modeChange.GetProperty("history").ValueKind);
        // Of a watched and a new instrument, the new one.
        var mixed = await SubscribeAsync(client, [watched, added], "quote");
        Assert.Equal([added], mixed.GetProperty("history").GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32()));
        // Let go and taken back: the days it was not watched are fetched.
        using var unsubscribed = await client.SendAsync(Post("/api/instruments/unsubscribe", $$"""{"tokens":[{{watched}}]}"""), Ct);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await unsubscribed.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("history").ValueKind);
        var again = await SubscribeAsync(client, [watched], "quote");
        Assert.Equal([watched], again.GetProperty("history").GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32()));

        Assert.Equal(3, await context.Database.ScalarAsync<long>($"SELECT count(DISTINCT job_id) FROM backfill_job_items WHERE instrument_id IN ({watched}, {added})"));
        var kinds = (await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream)).Select(command => (string?)command["kind"]).ToList();
        Assert.Equal(6, kinds.Count(kind => kind == CommandKind.SyncSubscriptions));
        Assert.Equal(3, kinds.Count(kind => kind == CommandKind.Backfill));
    }

    [Fact(Timeout = 60_000)]
    public async Task History_days_0_starts_no_job()
    {
        await using var api = context.Start(("Api:Subscriptions:HistoryDays", "0"));
        using var client = api.Factory.CreateClient();
        var token = await NewInstrumentAsync("NOHISTORYCE");

        var change = await SubscribeAsync(client, [token], "full");

        Assert.Equal(JsonValueKind.Null, change.GetProperty("history").ValueKind);
        Assert.Equal(0, await context.Database.ScalarAsync<long>($"SELECT count(*) FROM backfill_job_items WHERE instrument_id = {token}"));
        var command = Assert.Single(await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream));
        Assert.Equal(CommandKind.SyncSubscriptions, (string?)command["kind"]);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("-1")]
    [InlineData("41")]
    public async Task History_days_out_of_range_stop_the_start(string days)
    {
        await using var api = context.Start(("Api:Subscriptions:HistoryDays", days));

        var failure = Assert.Throws<OptionsValidationException>(() => api.Factory.CreateClient());

        Assert.Contains("HistoryDays", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_history_job_that_cannot_be_recorded_leaves_the_subscription_standing_and_says_so()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        var token = await NewInstrumentAsync("REFUSEDCE");
        await context.Database.ExecuteAsync("""
            CREATE FUNCTION refuse_backfill() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'backfills refused by the test'; END $$;
            CREATE TRIGGER refuse_backfill BEFORE INSERT ON backfill_jobs FOR EACH ROW EXECUTE FUNCTION refuse_backfill();
            """);
        JsonElement change;
        try
        {
            change = await SubscribeAsync(client, [token], "full");
        }
        finally
        {
            await context.Database.ExecuteAsync("DROP TRIGGER refuse_backfill ON backfill_jobs; DROP FUNCTION refuse_backfill();");
        }

        Assert.True(Assert.Single(change.GetProperty("subscriptions").EnumerateArray()).GetProperty("active").GetBoolean());
        Assert.True(await context.Database.ScalarAsync<bool>($"SELECT active FROM subscriptions WHERE instrument_id = {token}"));
        var history = change.GetProperty("history");
        Assert.Equal(JsonValueKind.Null, history.GetProperty("jobId").ValueKind);
        Assert.Equal([token], history.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt32()));
        Assert.Contains("POST /api/historical/backfill", history.GetProperty("error").GetString(), StringComparison.Ordinal);
        var command = Assert.Single(await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream));
        Assert.Equal(CommandKind.SyncSubscriptions, (string?)command["kind"]);
    }

    private static async Task<JsonElement> SubscribeAsync(HttpClient client, int[] tokens, string mode)
    {
        using var response = await client.SendAsync(Post("/api/instruments/subscribe", JsonSerializer.Serialize(new { tokens, mode })), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"subscribe: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    // An instrument of this test alone: the class's tests share one database.
    private Task<int> NewInstrumentAsync(string tradingsymbol) =>
        context.Database.ScalarAsync<int>($"""
            INSERT INTO instruments (exchange, tradingsymbol, name, segment, instrument_type, tick_size, lot_size)
            VALUES ('NFO', '{tradingsymbol}', '{tradingsymbol}', 'NFO-OPT', 'CE', 0.05, 75)
            RETURNING instrument_id
            """);

    private static DateTimeOffset OpenOfFifthWeekdayBack(DateTimeOffset now)
    {
        var day = IstClock.Today(now);
        for (var weekdays = 0; ; day = day.AddDays(-1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && ++weekdays == 5)
            {
                return new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), IndianMarket.IstOffset);
            }
        }
    }

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    internal static HttpRequestMessage Post(string path, string json, string? key = ApiTestContext.ApiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        return request;
    }
}
