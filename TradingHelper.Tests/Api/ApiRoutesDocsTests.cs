using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TradingHelper.Tests.Api;

public sealed partial class ApiRoutesDocsTests(ApiTestContext context) : IClassFixture<ApiTestContext>
{
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [InlineData("/api/instruments", "get", "Instruments", "200,400", false)]
    [InlineData("/api/instruments/{token}", "get", "Instruments", "200,404", false)]
    [InlineData("/api/instruments/sync", "post", "Instruments", "202,400,401", true)]
    [InlineData("/api/instruments/sync/{id}", "get", "Instruments", "200,404", false)]
    [InlineData("/api/instruments/subscribe", "post", "Instruments", "202,400,401,413", true)]
    [InlineData("/api/instruments/unsubscribe", "post", "Instruments", "202,400,401", true)]
    [InlineData("/api/subscriptions", "get", "Subscriptions", "200", false)]
    [InlineData("/api/historical/backfill", "post", "Historical", "202,400,401", true)]
    [InlineData("/api/historical/jobs/{id}", "get", "Historical", "200,404", false)]
    [InlineData("/api/historical/candles", "get", "Historical", "200,400,404", false)]
    [InlineData("/api/gaps", "get", "Feed gaps", "200,400", false)]
    [InlineData("/api/market", "get", "Market", "200", false)]
    [InlineData("/api/quotes", "get", "Quotes", "200,400", false)]
    [InlineData("/api/option-chain", "get", "Option chain", "200,400,404", false)]
    public async Task Each_route_is_documented_with_a_summary_a_tag_and_its_answers(string path, string method, string tag, string statuses, bool needsKey)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct));

        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty(path, out var route), $"{path} missing; documented: {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        var operation = route.GetProperty(method);
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
        Assert.Equal(tag, Assert.Single(operation.GetProperty("tags").EnumerateArray()).GetString());
        var responses = operation.GetProperty("responses");
        foreach (var status in statuses.Split(','))
        {
            Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} does not document {status}: {responses}");
        }
        Assert.Equal(needsKey, operation.TryGetProperty("security", out _));
        Assert.True(responses.GetProperty(statuses.Split(',')[0]).TryGetProperty("content", out _), $"{method} {path} has no response schema");
    }

    [Theory(Timeout = 60_000)]
    [InlineData("/chart")]
    [InlineData("/chart/")]
    public async Task The_chart_page_and_everything_it_loads_come_from_this_server(string path)
    {
        var assets = await ServedAssetsAsync(path);

        Assert.Contains("/lib/lightweight-charts.standalone.production.js", assets);
        Assert.Contains("/chart/chart.js", assets);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_option_chain_page_and_everything_it_loads_come_from_this_server()
    {
        var assets = await ServedAssetsAsync("/option-chain");

        Assert.Contains("/option-chain/option-chain.js", assets);
    }

    // Opens the page and every asset it links, each of which must come from this server.
    private async Task<List<string>> ServedAssetsAsync(string path)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var page = await client.GetAsync(path, Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var assets = AssetLink().Matches(html).Select(match => match.Groups["url"].Value).Where(url => !url.StartsWith("data:", StringComparison.Ordinal)).ToList();
        foreach (var asset in assets)
        {
            Assert.StartsWith("/", asset, StringComparison.Ordinal);
            using var response = await client.GetAsync(asset, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset}: {(int)response.StatusCode}");
        }
        return assets;
    }

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex AssetLink();
}
