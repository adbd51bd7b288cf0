using System.Globalization;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TradingHelper.AppHost.Tests;

[Collection(LocalTradingAppGroup.Name)]
public sealed class LocalTradingAppTests(LocalTradingApp stack)
{
    private static readonly string[] Resources = ["postgres", "tradingdb", "redis", "prometheus", "simulator", "ingestor", "api"];

    [Fact]
    public async Task Every_resource_becomes_healthy_and_the_model_says_which_infrastructure_runs()
    {
        using var timeout = Waiting.Within(LocalAppHostFixture.StartupTimeout);
        await AllHealthyAsync(timeout.Token);

        var model = stack.Service<DistributedApplicationModel>();
        Assert.DoesNotContain(model.Resources, resource => resource is ContainerResource);
        var infrastructure = Assert.IsType<ParameterResource>(Assert.Single(model.Resources, r => r.Name == "infrastructure"));
        Assert.StartsWith("local", await infrastructure.GetValueAsync(timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_run_subscribes_the_starter_watchlist()
    {
        using var api = await ApiAsync();
        var symbols = await Waiting.UntilAsync(async ct =>
        {
            using var subscriptions = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/subscriptions", UriKind.Relative), ct));
            var found = subscriptions.RootElement.GetProperty("items").EnumerateArray()
                .Select(item => item.GetProperty("instrument").GetProperty("tradingsymbol").GetString()).ToList();
            return found.Count > 0 ? found : null;
        }, TimeSpan.FromMinutes(2), "no starter watchlist was subscribed");

        Assert.Contains("NIFTY 50", symbols);
        Assert.Contains("NIFTY BANK", symbols);

        // The subscribe backfilled the watchlist's last trading days as one job, which the Ingestor runs to the end.
        var connectionString = await stack.App.GetConnectionStringAsync("tradingdb", TestContext.Current.CancellationToken);
        var job = await Waiting.UntilAsync(async ct =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                """
                SELECT j.status, array_agg(n.tradingsymbol)
                FROM backfill_jobs j JOIN backfill_job_items i ON i.job_id = j.id JOIN instruments n ON n.instrument_id = i.instrument_id
                WHERE j.id = (SELECT b.job_id FROM backfill_job_items b JOIN instruments s ON s.instrument_id = b.instrument_id
                              WHERE s.tradingsymbol = 'NIFTY 50' ORDER BY b.job_id LIMIT 1)
                GROUP BY j.status
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) && reader.GetString(0) is not ("queued" or "running")
                ? Tuple.Create(reader.GetString(0), reader.GetFieldValue<string[]>(1)) : null;
        }, TimeSpan.FromMinutes(2), "the starter watchlist's history job never finished");
        Assert.Equal("succeeded", job.Item1);
        Assert.Contains("NIFTY BANK", job.Item2);
    }

    [Fact]
    public async Task A_subscription_through_the_api_reaches_a_browser_socket_the_database_and_the_candles()
    {
        using var api = await ApiAsync();
        var option = await Waiting.UntilAsync(async ct =>
        {
            using var page = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/instruments?underlying=NIFTY&type=CE&pageSize=1", UriKind.Relative), ct));
            return page.RootElement.GetProperty("items").EnumerateArray().Select(item => (int?)item.GetProperty("token").GetInt32()).FirstOrDefault() is { } token
                ? new StrongBox<int>(token) : null;
        }, TimeSpan.FromMinutes(2), "the Ingestor never synced a NIFTY call option");
        var token = option.Value;

        using var subscribe = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/instruments/subscribe", UriKind.Relative))
        {
            Content = JsonContent.Create(new { tokens = new[] { token }, mode = "full" }),
        };
        subscribe.Headers.Add("X-Api-Key", LocalTradingApp.ApiKey);
        using var subscribed = await api.SendAsync(subscribe, TestContext.Current.CancellationToken);
        Assert.True(subscribed.IsSuccessStatusCode, $"subscribe answered {(int)subscribed.StatusCode}");

        using (var timeout = Waiting.Within(TimeSpan.FromMinutes(1)))
        using (var socket = new ClientWebSocket())
        {
            var ws = new UriBuilder(stack.App.GetEndpoint("api", "http")) { Scheme = "ws", Path = "/api/ws/ticks" }.Uri;
            await socket.ConnectAsync(ws, timeout.Token);
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new { action = "subscribe", tokens = new[] { token } }),
                WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            // docs/websocket.md: "subscribed" first, then "ticks" messages.
            while (true)
            {
                using var message = JsonDocument.Parse(await ReceiveAsync(socket, timeout.Token));
                if (message.RootElement.GetProperty("type").GetString() == "ticks"
                    && message.RootElement.GetProperty("ticks").EnumerateArray().Any(tick => tick.GetProperty("token").GetInt32() == token))
                {
                    break;
                }
            }
        }

        var connectionString = await stack.App.GetConnectionStringAsync("tradingdb", TestContext.Current.CancellationToken);
        await Waiting.UntilAsync(async ct =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM tick_data WHERE instrument_id = $1", connection)
            {
                Parameters = { new() { Value = token } },
            };
            return (long)(await count.ExecuteScalarAsync(ct))! > 0 ? "stored" : null;
        }, TimeSpan.FromMinutes(1), "no tick of the subscribed option reached tick_data");

        var from = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
        var to = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        // Its history arrives as broker candles up to the minute of the subscribe; the minutes after are built from ticks.
        await Waiting.UntilAsync(async ct =>
        {
            using var candles = JsonDocument.Parse(await api.GetStringAsync(
                new Uri($"/api/historical/candles?token={token}&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&interval=1m", UriKind.Relative), ct));
            return candles.RootElement.GetProperty("candles").EnumerateArray().Any(candle => candle.GetProperty("source").GetString() != "broker") ? "candles" : null;
        }, TimeSpan.FromMinutes(1), "no one-minute candle was built from the option's ticks");
    }

    [Fact]
    public async Task Prometheus_scrapes_the_ingestors_ticks()
    {
        using var timeout = Waiting.Within(LocalAppHostFixture.StartupTimeout);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("prometheus", timeout.Token);
        using var prometheus = stack.App.CreateHttpClient("prometheus", "http");

        var sample = await Waiting.UntilAsync(async ct =>
        {
            using var result = JsonDocument.Parse(await prometheus.GetStringAsync(
                new Uri("/api/v1/query?query=sum(tradinghelper_broker_ticks_received_total{job=\"ingestor\"})", UriKind.Relative), ct));
            var samples = result.RootElement.GetProperty("data").GetProperty("result");
            return samples.GetArrayLength() > 0 ? samples[0].GetProperty("value")[1].GetString() : null;
        }, TimeSpan.FromMinutes(2), "Prometheus never scraped a received tick from the Ingestor");

        Assert.True(double.Parse(sample, CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_dependency_that_fails_shows_on_the_services_resource_with_its_reason()
    {
        using var timeout = Waiting.Within(LocalAppHostFixture.StartupTimeout);
        await AllHealthyAsync(timeout.Token);
        var commands = stack.Service<ResourceCommandService>();

        var stop = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, timeout.Token);
        Assert.True(stop.Success, stop.Message);
        try
        {
            // Not "503": the Api's own /health reason, on the api resource.
            var unhealthy = await stack.App.ResourceNotifications.WaitForResourceAsync("api",
                update => update.Snapshot.HealthReports.Any(report => report.Name == "api-health"
                    && report.Status == HealthStatus.Unhealthy
                    && report.Description?.Contains("redis: Unhealthy", StringComparison.Ordinal) == true),
                timeout.Token);
            Assert.NotNull(unhealthy);
        }
        finally
        {
            var start = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand, timeout.Token);
            Assert.True(start.Success, start.Message);
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("redis", timeout.Token);
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("ingestor", timeout.Token);
        }
    }

    private async Task AllHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in Resources)
        {
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellationToken);
        }
    }

    private async Task<HttpClient> ApiAsync()
    {
        using var timeout = Waiting.Within(LocalAppHostFixture.StartupTimeout);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);
        return stack.App.CreateHttpClient("api", "http");
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        ValueWebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer.AsMemory(), ct);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return Encoding.UTF8.GetString(message.ToArray());
    }
}
