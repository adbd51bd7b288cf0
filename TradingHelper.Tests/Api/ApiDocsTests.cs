using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TradingHelper.Tests.Api;

public sealed partial class ApiDocsTests(ApiTestContext context) : IClassFixture<ApiTestContext>
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_openapi_document_lists_the_routes_and_the_api_key_scheme()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", _ct));

        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/ws/ticks", out _));
        var sync = paths.GetProperty("/api/instruments/sync").GetProperty("post");
        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.True(Assert.Single(sync.GetProperty("security").EnumerateArray()).TryGetProperty("ApiKey", out _));
        Assert.True(sync.GetProperty("responses").TryGetProperty("202", out _));
        Assert.True(sync.GetProperty("responses").TryGetProperty("401", out _));
        Assert.False(paths.GetProperty("/api/ws/ticks").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task The_docs_page_is_html_whose_scripts_come_from_this_server()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var page = await client.GetAsync("/docs", _ct);
        var html = await page.Content.ReadAsStringAsync(_ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var scripts = ScriptSource().Matches(html).Select(match => match.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            Assert.False(Uri.TryCreate(script, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal), script);
            using var asset = await client.GetAsync(new Uri(page.RequestMessage!.RequestUri!, script), _ct);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }
        Assert.DoesNotContain("fonts.scalar.com", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"(?<src>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSource();
}
