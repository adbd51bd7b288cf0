using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Commands;

namespace TradingHelper.Tests.Api;

public sealed class ApiSecurityTests(ApiTestContext context) : IClassFixture<ApiTestContext>
{
    private const string SyncPath = "/api/instruments/sync";
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory(Timeout = 60_000)]
    [InlineData(null)]
    [InlineData("wrong-key-that-is-long-enough")]
    [InlineData(ApiTestContext.ApiKey + "x")]
    public async Task A_change_without_the_right_key_is_refused_without_echoing_any_key(string? key)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Sync(key), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await ProblemAsync(response, 401);
        Assert.DoesNotContain(ApiTestContext.ApiKey, body, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", body, StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await context.Redis.GetDatabase().StreamLengthAsync(api.CommandStream));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_change_with_the_key_is_accepted_and_sends_the_command()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Sync(ApiTestContext.ApiKey, """{"exchanges":["nfo","NSE"]}"""), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var jobId = accepted.RootElement.GetProperty("jobId").GetGuid();
        Assert.Equal($"/api/instruments/sync/{jobId}", response.Headers.Location?.ToString());
        // The job the 202 names can be watched at once: queued until an Ingestor takes the command.
        using var job = JsonDocument.Parse(await client.GetStringAsync(response.Headers.Location, Ct));
        Assert.Equal("queued", job.RootElement.GetProperty("status").GetString());
        Assert.Equal(["NFO", "NSE"], job.RootElement.GetProperty("exchanges").EnumerateArray().Select(e => e.GetString()));
        var command = Assert.Single(await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream));
        Assert.Equal(accepted.RootElement.GetProperty("commandId").GetString(), command.Id.ToString());
        Assert.Equal(CommandKind.SyncInstruments, (string?)command["kind"]);
        using var payload = JsonDocument.Parse((string)command["payload"]!);
        Assert.Equal(jobId, payload.RootElement.GetProperty("jobId").GetGuid());
        Assert.Equal(["NFO", "NSE"], payload.RootElement.GetProperty("exchanges").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_change_without_a_body_syncs_every_exchange()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Sync(ApiTestContext.ApiKey), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var command = Assert.Single(await context.Redis.GetDatabase().StreamRangeAsync(api.CommandStream));
        using var payload = JsonDocument.Parse((string)command["payload"]!);
        Assert.Equal(JsonValueKind.Null, payload.RootElement.GetProperty("exchanges").ValueKind);
    }

    [Fact(Timeout = 60_000)]
    public async Task Changes_are_switched_off_while_no_key_is_configured()
    {
        await using var api = context.Start(("Api:ApiKey", null));
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Sync("anything-at-all-long-enough"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Api:ApiKey", await ProblemAsync(response, 503), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Production_refuses_to_start_without_a_key()
    {
        await using var api = context.Start(("Api:ApiKey", null));
        using var production = api.Factory.WithWebHostBuilder(host => host.UseEnvironment("Production"));

        var failure = Assert.Throws<OptionsValidationException>(() => production.CreateClient());

        Assert.Contains("Api:ApiKey must be set in Production", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_invalid_body_is_a_validation_problem_naming_the_field()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Sync(ApiTestContext.ApiKey, """{"exchanges":["NSE","LSE"]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await ProblemAsync(response, 400));
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("Exchanges[1]", out _), problem.RootElement.ToString());
        Assert.Equal(0, await context.Redis.GetDatabase().StreamLengthAsync(api.CommandStream));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_oversized_body_is_refused_with_413()
    {
        await using var api = context.Start(("Api:MaxRequestBodyBytes", "1024"));
        using var client = api.Factory.CreateClient();
        var exchanges = string.Join(',', Enumerable.Repeat("\"NSE\"", 400));

        using var response = await client.SendAsync(Sync(ApiTestContext.ApiKey, $$"""{"exchanges":[{{exchanges}}]}"""), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemAsync(response, 413);
    }

    [Fact(Timeout = 60_000)]
    public async Task Too_many_changes_are_refused_with_429_and_retry_after()
    {
        await using var api = context.Start(("Api:RateLimit:PermitLimit", "2"), ("Api:RateLimit:Window", "00:10:00"));
        using var client = api.Factory.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var allowed = await client.SendAsync(Sync(ApiTestContext.ApiKey), Ct);
            Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
        }
        using var limited = await client.SendAsync(Sync(ApiTestContext.ApiKey), Ct);
        using var read = await client.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        await ProblemAsync(limited, 429);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 600);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cross_origin_calls_are_allowed_only_from_configured_origins()
    {
        await using var api = context.Start(("Api:Cors:AllowedOrigins:0", "https://charts.example.com"));
        using var client = api.Factory.CreateClient();

        using var allowed = await client.SendAsync(Preflight("https://charts.example.com"), Ct);
        using var refused = await client.SendAsync(Preflight("https://evil.example.net"), Ct);

        Assert.Equal("https://charts.example.com", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("x-api-key", string.Join(',', allowed.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact(Timeout = 60_000)]
    public async Task No_origin_is_allowed_cross_origin_by_default()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.SendAsync(Preflight("https://charts.example.com"), Ct);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_unknown_route_is_a_problem()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync("/api/nothing-here", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ProblemAsync(response, 404);
    }

    private static HttpRequestMessage Sync(string? key, string? json = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, SyncPath);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }
        return request;
    }

    private static HttpRequestMessage Preflight(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, SyncPath);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-api-key,content-type");
        return request;
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Ct);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        return body;
    }
}
