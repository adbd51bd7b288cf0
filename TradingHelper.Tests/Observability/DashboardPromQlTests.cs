using System.Net;
using System.Text.RegularExpressions;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Observability;

/// <summary>
/// Every PromQL expression of every dashboard, evaluated by a real Prometheus that scraped the Api and the Ingestor
/// on real Kestrel ports while they did their work: ticks streaming from the simulator, a dropped socket, a bad frame,
/// a backfill through a rate limit, and a WebSocket client on the Api.
/// </summary>
[Collection(ScrapedServices.Name)]
public sealed partial class DashboardPromQlTests(TestServers servers)
{
    /// <summary>Every series the dashboards read: each expression must return data.</summary>
    private static readonly string[] Emitted =
    [
        "up",
        "tradinghelper_database_size_bytes",
        "dotnet_process_memory_working_set_bytes",
        "tradinghelper_tick_writer_spool_bytes",
        "tradinghelper_tick_writer_channel_depth",
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
    public async Task Every_dashboard_expression_returns_data_scraped_from_services_at_work()
    {
        var ct = TestContext.Current.CancellationToken;
        // One budget for every wait below, so that a slow machine spends it where it needs to.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        await using var services = await WorkingServices.StartAsync(servers, ct);
        await ExerciseAsync(services.Api, ct);
        await ExerciseAsync(services.Ingestor, ct);
        await using var prometheus = await PrometheusServer.StartAsync(
            new Dictionary<string, Uri> { ["api"] = services.Api, ["ingestor"] = services.Ingestor }, ct);

        await UntilAsync(prometheus, "sum(tradinghelper_tick_exchange_latency_seconds_count) > 0", "full-mode ticks reach the Ingestor", deadline, ct);
        await services.FaultAsync("malformed", ct, count: 1);
        // The bad frame is armed on the open socket; the close below would take it away unsent.
        await UntilAsync(prometheus, "sum(tradinghelper_broker_frames_bad_total) > 0", "the malformed frame is counted", deadline, ct);
        await services.FaultAsync("close", ct);
        await UntilAsync(prometheus, "sum(tradinghelper_feed_gaps_total) > 0", "the dropped socket records a feed gap", deadline, ct);
        await UntilAsync(prometheus, "min(tradinghelper_broker_connection_state{job=\"ingestor\"}) == 1", "the socket is back up", deadline, ct);
        await services.FaultAsync("history-429", ct, count: 1);
        await services.RequestBackfillAsync(ct);
        // The panel splits requests by status: the armed 429 and the retry that got through.
        await UntilAsync(prometheus, "sum(tradinghelper_broker_history_requests_total{status=\"429\"}) > 0", "the rate-limited history request is counted", deadline, ct);
        await UntilAsync(prometheus, "sum(tradinghelper_broker_history_requests_total{status=\"ok\"}) > 0", "the retried history request is counted", deadline, ct);

        var expressions = GrafanaDashboard.LoadAll().SelectMany(d => d.PromQlQueries())
            .Select(query => (Query: query, Expr: GrafanaTemplate.InterpolatePromQlVariables(query.Expr, BuiltIns))).ToList();
        var failures = new List<string>();
        var used = new HashSet<string>();
        foreach (var (query, expr) in expressions)
        {
            var metrics = MetricNames(expr);
            used.UnionWith(metrics);
            if (metrics.Except(Emitted).ToList() is { Count: > 0 } unlisted)
            {
                failures.Add($"{query}: {string.Join(", ", unlisted)} is not in Emitted\n{expr}");
            }
        }
        failures.AddRange(Emitted.Except(used).Select(series => $"{series} is listed but no dashboard reads it."));

        // rate() over a 1 m window and increase() need two scrapes of a series that appeared only just now.
        var pending = expressions;
        while (true)
        {
            var empty = new List<(DashboardPromQl Query, string Expr)>();
            foreach (var (query, expr) in pending)
            {
                var (status, error, result) = await prometheus.QueryAsync(expr, ct);
                if (status != "success")
                {
                    failures.Add($"{query}: {error}\n{expr}");
                }
                else if (result.GetArrayLength() == 0)
                {
                    empty.Add((query, expr));
                }
            }
            pending = empty;
            if (pending.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(500, ct);
        }
        failures.AddRange(pending.Select(p => $"{p.Query}: no series within 90 s\n{p.Expr}"));

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

    /// <summary>Waits for <paramref name="expr"/> to return a series; fails naming <paramref name="what"/> once the test's budget is spent.</summary>
    private static async Task UntilAsync(PrometheusServer prometheus, string expr, string what, DateTime deadline, CancellationToken ct)
    {
        var left = deadline - DateTime.UtcNow;
        Assert.True(await prometheus.WaitForSeriesAsync(expr, left > TimeSpan.Zero ? left : TimeSpan.Zero, ct),
            $"Gave up waiting until {what} ({expr}).\n{prometheus.Log}");
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
