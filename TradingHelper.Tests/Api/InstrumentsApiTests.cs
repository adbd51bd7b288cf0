using System.Net;
using System.Text.Json;

namespace TradingHelper.Tests.Api;

public sealed class InstrumentsApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Nifty_options_of_one_expiry_are_found_by_underlying_type_and_expiry()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var page = await GetAsync(client, "/api/instruments?underlying=nifty&type=ce,PE&expiry=2026-11-27");

        Assert.Equal(["NIFTY26NOV24000CE", "NIFTY26NOV24000PE", "NIFTY26NOV24100CE"], Symbols(page));
        Assert.Equal(3, page.RootElement.GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, page.RootElement.GetProperty("next").ValueKind);
        var first = page.RootElement.GetProperty("items")[0];
        Assert.Equal(context.Instruments["NIFTY26NOV24000CE"], first.GetProperty("token").GetInt32());
        Assert.Equal(9002, first.GetProperty("kiteToken").GetInt64());
        Assert.Equal(24000m, first.GetProperty("strike").GetDecimal());
    }

    [Fact(Timeout = 60_000)]
    public async Task Expired_contracts_show_only_when_asked_for()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var live = await GetAsync(client, "/api/instruments?underlying=NIFTY&type=CE,PE");
        using var all = await GetAsync(client, "/api/instruments?underlying=NIFTY&type=CE,PE&includeExpired=true");

        Assert.Equal(MarketInstruments.LiveNiftyOptions.Order(), Symbols(live).Order());
        Assert.Equal(MarketInstruments.LiveNiftyOptions.Append("NIFTY26OCT24000CE").Order(), Symbols(all).Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task Symbol_search_is_case_insensitive_with_prefix_matches_first()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var nifty = await GetAsync(client, "/api/instruments?symbol=nifty26nov&pageSize=500");
        using var literal = await GetAsync(client, "/api/instruments?symbol=_one%25");
        using var index = await GetAsync(client, "/api/instruments?type=INDEX");

        var symbols = Symbols(nifty);
        Assert.Equal("BANKNIFTY26NOV52000CE", symbols[^1]);
        Assert.All(symbols[..^1], symbol => Assert.StartsWith("NIFTY26NOV", symbol, StringComparison.Ordinal));
        Assert.Equal(["TEST_ONE%"], Symbols(literal));
        Assert.Equal(["NIFTY 50"], Symbols(index));
    }

    [Fact(Timeout = 60_000)]
    public async Task Pages_link_to_the_next_until_every_match_is_listed()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        var seen = new List<string>();
        string? next = "/api/instruments?exchange=nfo&pageSize=2";
        long total = 0;
        for (var pages = 0; next is not null; pages++)
        {
            Assert.InRange(pages, 0, 10);
            using var page = await GetAsync(client, next);
            total = page.RootElement.GetProperty("total").GetInt64();
            seen.AddRange(Symbols(page));
            next = page.RootElement.GetProperty("next").GetString();
            Assert.True(next is null || next.Contains("exchange=nfo", StringComparison.Ordinal), next);
        }

        Assert.Equal(6, total);
        Assert.Equal(6, seen.Distinct().Count());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("expiry=notadate", "expiry")]
    [InlineData("expiry=2026-02-30", "expiry")]
    [InlineData("includeExpired=maybe", "includeExpired")]
    [InlineData("page=abc", "page")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("pageSize=99999999999", "pageSize")]
    [InlineData("type=OPT", "type")]
    public async Task A_bad_search_is_a_400_naming_the_field(string query, string field)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync($"/api/instruments?{query}", Ct);

        await Problems.AssertFieldProblemAsync(response, field);
    }

    [Fact(Timeout = 60_000)]
    public async Task One_instrument_is_read_by_token_and_an_unknown_one_is_404()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();
        var token = context.Instruments["RELIANCE"];

        using var found = await GetAsync(client, $"/api/instruments/{token}");
        using var unknown = await client.GetAsync("/api/instruments/987654", Ct);
        using var notANumber = await client.GetAsync("/api/instruments/RELIANCE", Ct);

        var instrument = found.RootElement.GetProperty("instrument");
        Assert.Equal("RELIANCE", instrument.GetProperty("tradingsymbol").GetString());
        Assert.Equal(738561, instrument.GetProperty("kiteToken").GetInt64());
        Assert.Contains("987654", (await Problems.AssertProblemAsync(unknown, HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await Problems.AssertFieldProblemAsync(notANumber, "token");
    }

    private static async Task<JsonDocument> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static List<string> Symbols(JsonDocument page) =>
        page.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("tradingsymbol").GetString()!).ToList();
}
