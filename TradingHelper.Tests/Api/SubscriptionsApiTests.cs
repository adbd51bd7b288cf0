using System.Net;
using System.Text;
using System.Text.Json;
using TradingHelper.Core.Commands;

namespace TradingHelper.Tests.Api;

public sealed class SubscriptionsApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Subscribing_records_the_rows_and_sends_one_sync_command()
    {
        await using var api = context.Start();
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
        await using var api = context.Start();
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
