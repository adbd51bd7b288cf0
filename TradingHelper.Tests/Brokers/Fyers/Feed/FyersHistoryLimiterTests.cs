using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Simulator;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>
/// The Fyers history limiter against the simulator's breach counter, which meters every request on arrival over a rolling
/// second, a rolling minute and the IST day, as two Ingestors (each its own Redis connection) with concurrent callers.
/// </summary>
public sealed class FyersHistoryLimiterTests(TestServers servers)
{
    private const string Symbol = "NSE:INFY-EQ";

    [Fact]
    public async Task Concurrent_callers_of_two_ingestors_never_breach_the_per_second_or_per_minute_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        // The real per-second limit and a per-minute limit small enough that the minute runs out within seconds.
        await using var simulator = new SimulatorFactory(Limits(perSecond: 10, perMinute: 30));
        var url = simulator.StartOnLoopback();
        var redis = servers.Redis.CreateDatabase();
        await using var first = Ingestor(redis, url, perSecond: 10, perMinute: 30);
        await using var second = Ingestor(redis, url, perSecond: 10, perMinute: 30);

        // 40 requests: the first 30 fill the minute, the last 10 must wait for it to roll on.
        var failures = await RequestAsync([first, second], callersEach: 4, requests: 40, ct);

        Assert.Empty(failures);
        var history = await HistoryStatsAsync(simulator, url, ct);
        Assert.Equal((40, 0, 0, 0), history);
    }

    [Fact]
    public async Task The_simulator_counts_a_breach_when_callers_outrun_its_per_second_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var simulator = new SimulatorFactory(Limits(perSecond: 5, perMinute: 200));
        var url = simulator.StartOnLoopback();
        // A limiter allowing twice what the simulator does: the counter must see it, or the exactness test proves nothing.
        await using var ingestor = Ingestor(servers.Redis.CreateDatabase(), url, perSecond: 10, perMinute: 200);

        var failures = await RequestAsync([ingestor], callersEach: 6, requests: 20, ct);

        var history = await HistoryStatsAsync(simulator, url, ct);
        Assert.True(history.PerSecond > 0, $"no per-second breach counted for {history.Requests} requests");
        Assert.All(failures, failure => Assert.Equal(FyersApiErrorKind.RateLimited, failure.Error.Kind));
    }

    [Fact]
    public async Task The_days_count_survives_a_restart_and_a_spent_day_refuses_until_midnight()
    {
        var ct = TestContext.Current.CancellationToken;
        var redis = servers.Redis.CreateDatabase();
        var unused = new Uri("http://127.0.0.1:9/");
        await using (var before = Ingestor(redis, unused, perSecond: 10, perMinute: 200, perDay: 5))
        {
            var limiter = before.GetRequiredService<FyersHistoryLimiter>();
            for (var request = 0; request < 3; request++)
            {
                await using var permit = await limiter.AcquireAsync(ct);
            }
        }

        await using var after = Ingestor(redis, unused, perSecond: 10, perMinute: 200, perDay: 5);
        var restarted = after.GetRequiredService<FyersHistoryLimiter>();
        Assert.Equal(2, (await restarted.ReadBudgetAsync()).Day);
        for (var request = 0; request < 2; request++)
        {
            await using var permit = await restarted.AcquireAsync(ct);
        }
        var refused = await Assert.ThrowsAsync<FyersApiException>(() => restarted.AcquireAsync(ct));

        Assert.Equal(FyersApiErrorKind.RateLimited, refused.Error.Kind);
        Assert.Contains("midnight IST", refused.Message, StringComparison.Ordinal);
        Assert.Equal(new FyersHistoryBudget(10 - 5, 200 - 5, 0), await restarted.ReadBudgetAsync());
        Assert.Equal(new FyersHistoryBudget(5, 195, 0), after.GetRequiredService<FyersHistoryMetrics>().Budget);
    }

    private static Dictionary<string, string?> Limits(int perSecond, int perMinute) => new()
    {
        ["Simulator:FyersHistoryPerSecond"] = perSecond.ToString(CultureInfo.InvariantCulture),
        ["Simulator:FyersHistoryPerMinute"] = perMinute.ToString(CultureInfo.InvariantCulture),
    };

    // What an Ingestor holds for history: its own Redis connection, limiter and client, configured like a fyers Ingestor.
    private static ServiceProvider Ingestor(string redis, Uri simulator, int perSecond, int perMinute, int perDay = 100_000)
    {
        var services = new ServiceCollection();
        // Created by the container, so disposing the "Ingestor" closes its connection.
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        services.AddMetrics();
        services.AddHttpClient(FyersHistoryClient.HttpClientName);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<FyersOptions>().Configure(options =>
        {
            options.ApiBaseUrl = simulator;
            options.AccessToken = FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1));
            options.HistoryRequestsPerSecond = perSecond;
            options.HistoryRequestsPerMinute = perMinute;
            options.HistoryRequestsPerDay = perDay;
        });
        services.AddSingleton<FyersSession>();
        services.AddSingleton<FyersHistoryMetrics>();
        services.AddSingleton<FyersHistoryLimiter>();
        services.AddSingleton<FyersHistoryClient>();
        return services.BuildServiceProvider();
    }

    // Callers on every Ingestor take requests from one shared count until it runs out; returns the Fyers errors met.
    private static async Task<List<FyersApiException>> RequestAsync(IReadOnlyList<ServiceProvider> ingestors, int callersEach, int requests, CancellationToken ct)
    {
        var left = requests;
        var failures = new List<FyersApiException>();
        var to = DateTimeOffset.UtcNow;
        var callers = ingestors.SelectMany(ingestor => Enumerable.Range(0, callersEach).Select(_ => Task.Run(async () =>
        {
            var client = ingestor.GetRequiredService<FyersHistoryClient>();
            while (Interlocked.Decrement(ref left) >= 0)
            {
                try
                {
                    await client.GetHistoryAsync(Symbol, "1", to.AddMinutes(-10), to, withOpenInterest: false, ct);
                }
                catch (FyersApiException exception)
                {
                    lock (failures)
                    {
                        failures.Add(exception);
                    }
                }
            }
        }, ct)));
        await Task.WhenAll(callers);
        return failures;
    }

    private static async Task<(long Requests, long PerSecond, long PerMinute, long PerDay)> HistoryStatsAsync(SimulatorFactory simulator, Uri url, CancellationToken ct)
    {
        using var http = simulator.CreateClient();
        http.BaseAddress = url;
        using var stats = JsonDocument.Parse(await http.GetStringAsync("/_sim/stats", ct));
        var history = stats.RootElement.GetProperty("fyers").GetProperty("history");
        return (history.GetProperty("requests").GetInt64(), history.GetProperty("perSecondBreaches").GetInt64(),
            history.GetProperty("perMinuteBreaches").GetInt64(), history.GetProperty("perDayBreaches").GetInt64());
    }
}
