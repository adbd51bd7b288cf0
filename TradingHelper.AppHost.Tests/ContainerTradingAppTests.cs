using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using TradingHelper.AppHost.Infrastructure;

namespace TradingHelper.AppHost.Tests;

[Collection(ContainerTradingAppGroup.Name)]
public sealed class ContainerTradingAppTests(ContainerTradingApp stack)
{
    private static readonly string[] Resources = ["timescaledb", "tradingdb", "redis", "simulator", "ingestor", "api", "prometheus", "grafana"];

    [Fact]
    public async Task Every_container_and_service_becomes_healthy_and_ticks_reach_timescaledb()
    {
        Assert.SkipUnless(DockerEngine.Answers(), ContainerTradingApp.SkipReason);
        using var timeout = Waiting.Within(ContainerTradingApp.StartupTimeout);
        foreach (var resource in Resources)
        {
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        // The starter watchlist is subscribed by the AppHost; its ticks land in the TimescaleDB hypertable.
        var connectionString = await stack.App.GetConnectionStringAsync("tradingdb", timeout.Token);
        await Waiting.UntilAsync(async ct =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var count = new NpgsqlCommand(
                "SELECT count(*) FROM tick_data WHERE EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'tick_data')", connection);
            return (long)(await count.ExecuteScalarAsync(ct))! > 0 ? "stored" : null;
        }, TimeSpan.FromMinutes(2), "no tick reached the tick_data hypertable");
    }

    [Fact]
    public async Task Grafana_serves_the_provisioned_dashboards()
    {
        Assert.SkipUnless(DockerEngine.Answers(), ContainerTradingApp.SkipReason);
        using var timeout = Waiting.Within(ContainerTradingApp.StartupTimeout);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("grafana", timeout.Token);

        using var grafana = stack.App.CreateHttpClient("grafana", "http");
        grafana.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{ContainerTradingApp.GrafanaPassword}")));
        using var search = await grafana.GetAsync(new Uri("/api/search?type=dash-db", UriKind.Relative), timeout.Token);

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        using var dashboards = JsonDocument.Parse(await search.Content.ReadAsStringAsync(timeout.Token));
        Assert.NotEqual(0, dashboards.RootElement.GetArrayLength());
    }
}
