extern alias api;
extern alias ingestor;

using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Observability;

/// <summary>
/// Every PromQL expression of every dashboard, evaluated by a real Prometheus that scraped the Api and the Ingestor
/// running on real Kestrel ports.
/// </summary>
[Collection(ScrapedServices.Name)]
public sealed partial class DashboardPromQlTests(TestServers servers)
{
    /// <summary>Series the code on this branch exports: every expression built only from these must return data.</summary>
    private static readonly string[] Emitted =
    [
        "up",
        "tradinghelper_database_size_bytes",
        "dotnet_process_memory_working_set_bytes",
        "tradinghelper_tick_writer_spool_bytes",
        "tradinghelper_tick_writer_channel_depth",
    ];

    /// <summary>
    /// Series the dashboards are designed for that the scraped services do not export yet (no ticks flow through
    /// them in this test, and broker connections and the Api's WebSocket are not wired). Their expressions must still be valid PromQL. The test fails as soon as
    /// one of them is scraped, so that it moves to <see cref="Emitted"/> and its panels must show data.
    /// </summary>
    private static readonly string[] NotYetEmitted =
    [
        "tradinghelper_ticks_written_total",
        "tradinghelper_tick_writer_batch_size_bucket",
        "tradinghelper_tick_writer_flush_duration_seconds_bucket",
        "tradinghelper_tick_latency_seconds_bucket",
        "tradinghelper_broker_ticks_received_total",
        "tradinghelper_broker_frames_bad_total",
        "tradinghelper_broker_connection_state",
        "tradinghelper_broker_reconnects_total",
        "tradinghelper_feed_gaps_total",
        "tradinghelper_broker_history_requests_total",
        "tradinghelper_tick_exchange_latency_seconds_bucket",
        "tradinghelper_websocket_clients",
    ];

    /// <summary>
    /// What Grafana substitutes in the browser: $__rate_interval is max(4 × the datasource's 5 s scrape interval,
    /// $__interval + 5 s); $__range is the dashboard's time range.
    /// </summary>
    private static readonly Dictionary<string, VariableValue> BuiltIns = new()
    {
        ["__interval"] = VariableValue.Single("15s"),
        ["__rate_interval"] = VariableValue.Single("20s"),
        ["__range"] = VariableValue.Single("5m"),
    };

    private static readonly string[] PromQlWords =
        ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"];

    [Fact]
    public async Task Every_dashboard_expression_is_valid_and_those_over_emitted_series_return_data()
    {
        var ct = TestContext.Current.CancellationToken;
        var redis = servers.Redis.CreateDatabase();
        var apiPort = FreePort.Next();
        var ingestorPort = FreePort.Next();
        await using var apiService = new ServiceFactory<api::Program>(await servers.Postgres.CreateDatabaseAsync("promql_api"), redis);
        await using var ingestorService = new ServiceFactory<ingestor::Program>(await servers.Postgres.CreateDatabaseAsync("promql_ingestor"), redis);
        var api = StartOnKestrel(apiService, apiPort);
        var ingestor = StartOnKestrel(ingestorService, ingestorPort);
        await ExerciseAsync(api, ct);
        await ExerciseAsync(ingestor, ct);

        await using var prometheus = await PrometheusServer.StartAsync(
            new Dictionary<string, Uri> { ["api"] = api, ["ingestor"] = ingestor }, ct);
        // Three scrapes of both services, so that rate() and histogram_quantile() have samples to work on.
        var scraped = await prometheus.WaitForSeriesAsync("count(count_over_time(up[1m]) >= 3) == 2", TimeSpan.FromSeconds(60), ct);
        Assert.True(scraped, $"Prometheus did not scrape both services three times within 60 s.\n{prometheus.Log}");
        var missing = new List<string>();
        foreach (var series in Emitted)
        {
            // The database size is sampled once the Ingestor has started; a slow machine may need a scrape or two more.
            if (!await prometheus.WaitForSeriesAsync(series, TimeSpan.FromSeconds(30), ct))
            {
                missing.Add(series);
            }
        }
        Assert.True(missing.Count == 0, $"Not scraped from the services: {string.Join(", ", missing)}");

        var failures = new List<string>();
        var expressions = GrafanaDashboard.LoadAll().SelectMany(d => d.PromQlQueries()).ToList();
        var used = new HashSet<string>();
        foreach (var query in expressions)
        {
            var expr = GrafanaTemplate.InterpolatePromQlVariables(query.Expr, BuiltIns);
            var metrics = MetricNames(expr);
            used.UnionWith(metrics);
            var (status, error, result) = await prometheus.QueryAsync(expr, ct);
            if (status != "success")
            {
                failures.Add($"{query}: {error}\n{expr}");
            }
            else if (metrics.Except(Emitted).Any(metric => !NotYetEmitted.Contains(metric)))
            {
                failures.Add($"{query}: {string.Join(", ", metrics.Except(Emitted).Except(NotYetEmitted))} is in neither Emitted nor NotYetEmitted\n{expr}");
            }
            else if (metrics.All(Emitted.Contains) && result.GetArrayLength() == 0)
            {
                failures.Add($"{query}: no series, although every metric it reads is emitted\n{expr}");
            }
        }
        foreach (var series in NotYetEmitted)
        {
            var (_, _, result) = await prometheus.QueryAsync($"{{__name__=\"{series}\"}}", ct);
            if (result.GetArrayLength() > 0)
            {
                failures.Add($"{series} is scraped now: move it to Emitted so its panels must show data.");
            }
        }
        failures.AddRange(Emitted.Concat(NotYetEmitted).Except(used).Select(series => $"{series} is listed but no dashboard reads it."));

        Assert.True(expressions.Count >= 15, $"Only {expressions.Count} PromQL expressions were found.");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>The series names an expression reads: identifiers outside strings, selectors, ranges and groupings that are not functions.</summary>
    internal static IReadOnlySet<string> MetricNames(string expr)
    {
        var bare = Grouping().Replace(Selector().Replace(Range().Replace(Quoted().Replace(expr, ""), ""), ""), "");
        return Identifier().Matches(bare)
            .Where(match => !PromQlWords.Contains(match.Groups[1].Value, StringComparer.OrdinalIgnoreCase))
            .Select(match => match.Groups[1].Value)
            .ToHashSet();
    }

    private static Uri StartOnKestrel<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory, int port) where TEntryPoint : class
    {
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    // Health probes run the storage and Redis checks and go through the ASP.NET Core request metrics.
    private static async Task ExerciseAsync(Uri service, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = service };
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("/health", ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // An identifier not followed by "(" (a function call) and not part of a number.
    [GeneratedRegex(@"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")]
    private static partial Regex Identifier();
}
