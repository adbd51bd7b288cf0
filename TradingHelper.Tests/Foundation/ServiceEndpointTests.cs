extern alias api;
extern alias ingestor;

using System.Net;
using System.Text.Json;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Foundation;

[Collection(FaultTests.Name)]
public sealed class ServiceEndpointTests(TestServers servers)
{
    public static TheoryData<string> Services => ["api", "ingestor"];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_answers_health_alive_and_metrics(string service)
    {
        var (factory, client) = await StartAsync(service);
        await using var _ = factory;
        using var __ = client;
        var ct = TestContext.Current.CancellationToken;

        using var health = await client.GetAsync("/health", ct);
        using var alive = await client.GetAsync("/alive", ct);
        using var metrics = await client.GetAsync("/metrics", ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
        Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
        Assert.Equal("postgres", report.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("data").GetProperty("profile").GetString());
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(ct));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Health_turns_unhealthy_with_the_reason_while_postgres_is_down(string service)
    {
        Assert.SkipUnless(servers.Postgres.IsOwned, "The PostgreSQL server is external; this test must stop it.");
        var (factory, client) = await StartAsync(service);
        await using var _ = factory;
        using var __ = client;
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal("Healthy", await StatusOf(await client.GetAsync("/health", ct), ct));

        await servers.Postgres.StopAsync();
        try
        {
            using var down = await client.GetAsync("/health", ct);
            using var alive = await client.GetAsync("/alive", ct);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            using var report = JsonDocument.Parse(await down.Content.ReadAsStringAsync(ct));
            var postgres = report.RootElement.GetProperty("checks").GetProperty("postgres");
            Assert.Equal("Unhealthy", postgres.GetProperty("status").GetString());
            Assert.False(string.IsNullOrWhiteSpace(postgres.GetProperty("error").GetString()));
            Assert.Equal("Healthy", report.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }
        finally
        {
            await servers.Postgres.RestartAsync();
        }

        Assert.Equal("Healthy", await EventuallyHealthyAsync(client, ct));
    }

    [Theory]
    [InlineData("api", "simulator", "simulated")]
    [InlineData("ingestor", "simulator", "simulated")]
    [InlineData("api", "kite", "exchange")]
    public async Task Health_says_whether_the_market_is_simulated(string service, string broker, string market)
    {
        var (factory, client) = await StartAsync(service, new Dictionary<string, string?> { ["Broker:Kind"] = broker });
        await using var _ = factory;
        using var __ = client;
        var ct = TestContext.Current.CancellationToken;

        using var health = await client.GetAsync("/health", ct);

        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync(ct));
        var entry = report.RootElement.GetProperty("checks").GetProperty("market");
        Assert.Equal(market, entry.GetProperty("data").GetProperty("market").GetString());
        Assert.Equal(broker, entry.GetProperty("data").GetProperty("broker").GetString());
        Assert.DoesNotContain("open", entry.GetProperty("description").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(IAsyncDisposable Factory, HttpClient Client)> StartAsync(string service, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var database = await servers.Postgres.CreateDatabaseAsync($"endpoints_{service}");
        var redis = servers.Redis.CreateDatabase();
        if (service == "api")
        {
            var apiFactory = new ServiceFactory<api::Program>(database, redis, settings);
            return (apiFactory, apiFactory.CreateClient());
        }
        var ingestorFactory = new ServiceFactory<ingestor::Program>(database, redis, settings);
        return (ingestorFactory, ingestorFactory.CreateClient());
    }

    private static async Task<string?> StatusOf(HttpResponseMessage response, CancellationToken ct)
    {
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return report.RootElement.GetProperty("status").GetString();
    }

    private static async Task<string?> EventuallyHealthyAsync(HttpClient client, CancellationToken ct)
    {
        // Pooled connections broken by the restart are discarded on first use; a few probes may fail first.
        string? status = null;
        for (var attempt = 0; attempt < 50 && status != "Healthy"; attempt++)
        {
            using var response = await client.GetAsync("/health", ct);
            status = await StatusOf(response, ct);
            if (status != "Healthy")
            {
                await Task.Delay(200, ct);
            }
        }
        return status;
    }
}
