using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace TradingHelper.AppHost.Tests;

public sealed class TradingStackTests(TradingStack stack) : IClassFixture<TradingStack>
{
    [Fact]
    public async Task Every_resource_becomes_healthy()
    {
        Assert.SkipUnless(Docker.IsAvailable, Docker.SkipReason);
        using var timeout = Within(TradingStack.StartupTimeout);

        foreach (var resource in new[] { "timescaledb", "tradingdb", "redis", "simulator", "ingestor", "api", "prometheus", "grafana" })
        {
            await stack.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    [Fact]
    public async Task Subscribed_instrument_ticks_reach_the_database_and_the_browser_socket()
    {
        Assert.SkipUnless(Docker.IsAvailable, Docker.SkipReason);
        using var timeout = Within(TradingStack.StartupTimeout + TimeSpan.FromMinutes(2));
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("ingestor", timeout.Token);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("api", timeout.Token);

        using var api = stack.App.CreateHttpClient("api", "http");
        // The Api's tokens are internal instrument ids; the Ingestor's start-up instrument sync brings NIFTY 50.
        var nifty = await NiftyTokenAsync(api, timeout.Token);
        using var subscribe = new HttpRequestMessage(HttpMethod.Post, "/api/instruments/subscribe")
        {
            Content = JsonContent.Create(new { tokens = new[] { nifty }, mode = "full" }),
        };
        subscribe.Headers.Add("X-Api-Key", TradingStack.ApiKey);
        using var subscribed = await api.SendAsync(subscribe, timeout.Token);
        Assert.True(subscribed.IsSuccessStatusCode, $"subscribe answered {(int)subscribed.StatusCode}");

        using var socket = new ClientWebSocket();
        var ws = new UriBuilder(stack.App.GetEndpoint("api", "http")) { Scheme = "ws", Path = "/api/ws/ticks" }.Uri;
        await socket.ConnectAsync(ws, timeout.Token);
        var request = JsonSerializer.SerializeToUtf8Bytes(new { action = "subscribe", tokens = new[] { nifty } });
        await socket.SendAsync(request.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        // docs/websocket.md: "subscribed" first, then "ticks" messages (the latest quote, then live ticks).
        while (true)
        {
            using var message = JsonDocument.Parse(await ReceiveMessageAsync(socket, timeout.Token));
            if (message.RootElement.GetProperty("type").GetString() == "ticks")
            {
                Assert.Contains(message.RootElement.GetProperty("ticks").EnumerateArray(), t => t.GetProperty("token").GetInt32() == nifty);
                break;
            }
        }

        Assert.True(await CountTicksAsync(timeout.Token) > 0);
    }

    [Fact]
    public async Task Grafana_serves_the_provisioned_dashboards()
    {
        Assert.SkipUnless(Docker.IsAvailable, Docker.SkipReason);
        using var timeout = Within(TradingStack.StartupTimeout);
        await stack.App.ResourceNotifications.WaitForResourceHealthyAsync("grafana", timeout.Token);

        using var grafana = stack.App.CreateHttpClient("grafana", "http");
        grafana.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{TradingStack.GrafanaPassword}")));
        using var search = await grafana.GetAsync("/api/search?type=dash-db", timeout.Token);

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        using var dashboards = JsonDocument.Parse(await search.Content.ReadAsStringAsync(timeout.Token));
        Assert.NotEqual(0, dashboards.RootElement.GetArrayLength());
    }

    private static async Task<int> NiftyTokenAsync(HttpClient api, CancellationToken ct)
    {
        while (true)
        {
            using var page = JsonDocument.Parse(await api.GetStringAsync("/api/instruments?type=INDEX&symbol=NIFTY%2050", ct));
            foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
            {
                if (item.GetProperty("tradingsymbol").GetString() == "NIFTY 50")
                {
                    return item.GetProperty("token").GetInt32();
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static CancellationTokenSource Within(TimeSpan after)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(after);
        return timeout;
    }

    private static async Task<string> ReceiveMessageAsync(ClientWebSocket socket, CancellationToken ct)
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

    /// <summary>Polls until the first batch is committed; the table itself appears only once the Ingestor has migrated.</summary>
    private async Task<long> CountTicksAsync(CancellationToken ct)
    {
        var connectionString = await stack.App.GetConnectionStringAsync("tradingdb", ct);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(ct);
                await using var count = new NpgsqlCommand("SELECT count(*) FROM tick_data", connection);
                if (await count.ExecuteScalarAsync(ct) is long ticks && ticks > 0)
                {
                    return ticks;
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Not migrated yet.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }
}
