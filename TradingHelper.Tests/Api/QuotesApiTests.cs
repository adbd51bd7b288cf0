using System.Net;
using System.Text.Json;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.Api;

/// <summary><c>GET /api/quotes</c> against a real database: previous close, day volume and OI as the candle store serves them.</summary>
public sealed class QuotesApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_quote_compares_the_last_price_with_the_close_before_its_trading_day()
    {
        int future = context.Instruments["NIFTY26NOVFUT"], call = context.Instruments["NIFTY26NOV24000CE"];
        int index = context.Instruments["NIFTY 50"], reliance = context.Instruments["RELIANCE"];
        var database = context.Database;
        // Friday's session, then Monday's: a pre-open snapshot still carries Friday's total and adds nothing.
        await database.TickAsync(future, "2026-01-02 15:28:10", 100m, 5000);
        await database.TickAsync(future, "2026-01-02 15:29:30", 101m, 5500);
        await database.TickAsync(future, "2026-01-05 09:05:00", 101.5m, 5500);
        await database.TickAsync(future, "2026-01-05 09:15:10", 102m, 100);
        await database.TickAsync(future, "2026-01-05 09:16:10", 103m, 400, 12000);
        await database.TickAsync(future, "2026-01-05 09:17:10", 104.04m, 1000, 12345);
        // Broker history wins over the tick minute it shares, for the previous close as in candles().
        await database.TickAsync(call, "2026-01-02 15:29:10", 50m, 900);
        await database.BrokerCandleAsync(call, "2026-01-02 15:29", 49m, 50m, 49m, 49.5m, 40, 600);
        await database.BrokerCandleAsync(call, "2026-01-05 09:15", 50m, 51m, 50m, 51m, 200, 650);
        await database.BrokerCandleAsync(call, "2026-01-05 09:16", 51m, 52m, 51m, 52m, 300, 700);
        // Traded only on Thursday: that is its trading day, with nothing before it.
        await database.TickAsync(index, "2026-01-01 10:00:00", 26000m, null);
        await database.RefreshAllCandlesAsync();
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var body = await GetAsync(client, $"/api/quotes?tokens={future},{call},{index},{reliance},{future},999999");

        var quotes = body.RootElement.GetProperty("items").EnumerateArray().ToDictionary(quote => quote.GetProperty("token").GetInt32());
        Assert.Equal(4, body.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(new[] { future, call, index, reliance }.Order(), quotes.Keys.Order());
        AssertQuote(quotes[future], "2026-01-05", 104.04m, "2026-01-05 09:17", 101m, "2026-01-02 15:29", 3.01m, 1000, 12345);
        AssertQuote(quotes[call], "2026-01-05", 52m, "2026-01-05 09:16", 49.5m, "2026-01-02 15:29", 5.05m, 500, 700);
        AssertQuote(quotes[index], "2026-01-01", 26000m, "2026-01-01 10:00", null, null, null, 0, null);
        AssertQuote(quotes[reliance], null, null, null, null, null, null, null, null);
    }

    [Theory(Timeout = 60_000)]
    [InlineData("")]
    [InlineData("tokens=")]
    [InlineData("tokens=abc")]
    [InlineData("tokens=1,,2")]
    [InlineData("tokens=-3")]
    [InlineData("tokens=0")]
    [InlineData("tokens=99999999999")]
    public async Task A_bad_quote_request_is_a_400_naming_tokens(string query)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync($"/api/quotes?{query}", Ct);

        await Problems.AssertFieldProblemAsync(response, "tokens");
    }

    [Fact(Timeout = 60_000)]
    public async Task More_tokens_than_the_limit_are_refused()
    {
        await using var api = context.Start(("Api:Quotes:MaxTokensPerRequest", "3"));
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync("/api/quotes?tokens=1,2,3,4", Ct);

        Assert.Contains("At most 3", await Problems.AssertFieldProblemAsync(response, "tokens"), StringComparison.Ordinal);
    }

    private static void AssertQuote(
        JsonElement quote, string? tradingDay, decimal? last, string? lastMinute, decimal? previousClose, string? previousMinute,
        decimal? changePercent, long? dayVolume, long? oi)
    {
        var text = quote.ToString();
        Assert.True(tradingDay == String(quote, "tradingDay"), text);
        Assert.True(last == Decimal(quote, "lastPrice"), text);
        Assert.True(Minute(lastMinute) == Time(quote, "lastMinute"), text);
        Assert.True(previousClose == Decimal(quote, "previousClose"), text);
        Assert.True(Minute(previousMinute) == Time(quote, "previousCloseMinute"), text);
        Assert.True(changePercent == Decimal(quote, "changePercent"), text);
        Assert.True(dayVolume == Long(quote, "dayVolume"), text);
        Assert.True(oi == Long(quote, "oi"), text);
    }

    private static DateTimeOffset? Minute(string? istMinute) => istMinute is null ? null : TickTape.At(istMinute);

    private static string? String(JsonElement quote, string name) => quote.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static decimal? Decimal(JsonElement quote, string name) => quote.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetDecimal() : null;

    private static long? Long(JsonElement quote, string name) => quote.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt64() : null;

    private static DateTimeOffset? Time(JsonElement quote, string name) => quote.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetDateTimeOffset() : null;

    private static async Task<JsonDocument> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
