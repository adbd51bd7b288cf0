using System.Diagnostics;
using System.Globalization;

namespace TradingHelper.LoadTest;

internal sealed record Options(int Rate, int Duration, int Warmup, int Instruments, int Clients, string Mode, bool Durable, bool Keep, string[] IngestorEnvironment)
{
    /// <summary>Seconds of raw COPY measured before the feed starts (ingest only; 0 skips it).</summary>
    public int CeilingSeconds { get; init; }

    public int CeilingBatch { get; init; } = 10_000;

    public int CeilingConnections { get; init; } = 1;

    /// <summary>KEY=VALUE settings for the Api, e.g. Api__Subscriptions__HistoryDays=0 to subscribe without the history backfill.</summary>
    public string[] ApiEnvironment { get; init; } = [];

    /// <summary>After the window, silence the feed and fail unless tick_data holds every tick the simulator sent, once.</summary>
    public bool CheckStored { get; init; }

    /// <summary>Stream from the simulator's Fyers data socket instead of its Kite ticker (quote or ltp mode, 188 instruments).</summary>
    public bool Fyers { get; init; }

    /// <summary>A published Ingestor executable (e.g. the Native AOT build) to run instead of the Release build's dll.</summary>
    public string? IngestorExecutable { get; init; }

    public static Options Parse(ReadOnlySpan<string> args, string scenario)
    {
        var options = scenario switch
        {
            "latency" => new Options(5_000, 30, 5, 188, 10, "quote", true, false, []),
            "memory" => new Options(5_000, 60, 10, 1_000, 0, "full", true, false, []),
            "candles" or "option-chain" => new Options(100, 0, 0, 0, 0, "full", true, false, []),
            _ => new Options(100_000, 30, 5, 188, 0, "full", true, false, []) { CeilingSeconds = 15 },
        };
        for (var i = 0; i < args.Length; i++)
        {
            int Next(ReadOnlySpan<string> a, ref int index) =>
                ++index < a.Length && int.TryParse(a[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 0
                    ? value
                    : throw new ArgumentException($"{a[index - 1]} needs a non-negative number.");
            options = args[i] switch
            {
                "--rate" => options with { Rate = Math.Max(1, Next(args, ref i)) },
                "--duration" => options with { Duration = Math.Clamp(Next(args, ref i), 1, 3600) },
                "--warmup" => options with { Warmup = Math.Min(Next(args, ref i), 600) },
                "--instruments" => options with { Instruments = Math.Clamp(Next(args, ref i), 1, 20_000) },
                "--clients" => options with { Clients = Math.Clamp(Next(args, ref i), 0, 400) },
                "--mode" => options with { Mode = ++i < args.Length && args[i] is "full" or "quote" or "ltp" ? args[i] : throw new ArgumentException("--mode is full, quote or ltp.") },
                "--ceiling-seconds" => options with { CeilingSeconds = Math.Min(Next(args, ref i), 600) },
                "--ceiling-batch" => options with { CeilingBatch = Math.Clamp(Next(args, ref i), 1, 1_000_000) },
                "--ceiling-connections" => options with { CeilingConnections = Math.Clamp(Next(args, ref i), 1, 16) },
                "--api-env" => options with
                {
                    ApiEnvironment = ++i < args.Length && args[i].Contains('=', StringComparison.Ordinal)
                        ? [.. options.ApiEnvironment, args[i]]
                        : throw new ArgumentException("--api-env takes KEY=VALUE."),
                },
                "--ingestor-executable" => options with
                {
                    IngestorExecutable = ++i < args.Length && File.Exists(args[i])
                        ? Path.GetFullPath(args[i])
                        : throw new ArgumentException("--ingestor-executable takes the path of a published Ingestor."),
                },
                "--broker" => options with
                {
                    Fyers = ++i < args.Length && args[i] is "kite" or "fyers"
                        ? args[i] == "fyers"
                        : throw new ArgumentException("--broker is kite or fyers."),
                },
                "--check-stored" => options with { CheckStored = true },
                "--no-fsync" => options with { Durable = false },
                "--keep" => options with { Keep = true },
                // For experiments with the Ingestor's settings, e.g. --ingestor-env TickWriter__BatchSize=20000.
                "--ingestor-env" => options with
                {
                    IngestorEnvironment = ++i < args.Length && args[i].Contains('=', StringComparison.Ordinal)
                        ? [.. options.IngestorEnvironment, args[i]]
                        : throw new ArgumentException("--ingestor-env takes KEY=VALUE."),
                },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return options.Fyers && options.CheckStored && options.Mode == "full"
            ? throw new ArgumentException("--check-stored with --broker fyers needs --mode quote or ltp: full mode adds depth records, which are not ticks.")
            : options;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"rate {Rate}/s, duration {Duration} s, warm-up {Warmup} s, instruments {Instruments} ({Mode}), clients {Clients}, "
        + $"PostgreSQL {(Durable ? "durable (fsync on)" : "fsync off")}, Ingestor env [{string.Join(' ', IngestorEnvironment)}], Api env [{string.Join(' ', ApiEnvironment)}], "
        + $"Ingestor {IngestorExecutable ?? "Release build (JIT)"}, broker {(Fyers ? "fyers" : "kite")}, "
        + $"COPY ceiling {(CeilingSeconds > 0 ? $"{CeilingSeconds} s × {CeilingConnections} connection(s) × {CeilingBatch}-row batches" : "off")}");

    /// <summary>The simulator's real universe holds 188 instruments; each synthetic stock adds two (the stock and its future).</summary>
    public int ExtraStocks => Math.Max(0, (Instruments - Scenarios.RealUniverse + 1) / 2);
}

internal static partial class Scenarios
{
    public const int RealUniverse = 188;
    private const string TicksWritten = "tradinghelper_ticks_written_total";
    private const string TickLatency = "tradinghelper_tick_latency_seconds";
    private static readonly string[] GcGenerations = ["gen0", "gen1", "gen2", "loh", "poh"];

    private static async Task<Stack> StartAndSubscribeAsync(Options options, CancellationToken cancellationToken, Func<Stack, int[], Task>? beforeSubscribe = null)
    {
        var stack = await Stack.StartAsync(new StackOptions(options.Rate, options.ExtraStocks, options.Durable, options.Keep, options.IngestorEnvironment, options.ApiEnvironment, options.IngestorExecutable, options.Fyers), cancellationToken);
        try
        {
            await stack.SyncInstrumentsAsync(Math.Max(options.Instruments, 1), cancellationToken);
            if (options.Instruments > 0 && options.Duration > 0)
            {
                var ids = await stack.InstrumentIdsAsync(options.Instruments, cancellationToken);
                if (beforeSubscribe is not null)
                {
                    await beforeSubscribe(stack, ids);
                }
                await stack.SubscribeAsync(ids, options.Mode, cancellationToken);
                await stack.WaitForStreamingAsync(ids.Length, cancellationToken);
            }
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Counters read at the start and end of the measured window.</summary>
    private sealed record Sample(DateTime At, long SimPackets, double Written, SortedDictionary<double, double> Latency, SortedDictionary<double, double> Flush,
        double Batches, double BatchTicks, double FlushSeconds, double IngestorCpu,
        double SimulatorCpu, double ApiCpu, double PostgresCpu, double RedisCpu, double HarnessCpu)
    {
        public static async Task<Sample> TakeAsync(Stack stack, CancellationToken cancellationToken)
        {
            var (packets, _) = await stack.SimulatorStatsAsync(cancellationToken);
            var metrics = await stack.IngestorMetricsAsync(cancellationToken);
            if (!metrics.Has(TicksWritten))
            {
                // Before the first commit the counter is not exported yet.
                Console.WriteLine($"note: {TicksWritten} not in /metrics yet");
            }
            return new Sample(DateTime.UtcNow, packets, metrics.Sum(TicksWritten), metrics.Buckets(TickLatency), metrics.Buckets("tradinghelper_tick_writer_flush_duration_seconds"),
                metrics.Sum("tradinghelper_tick_writer_flush_duration_seconds_count"), metrics.Sum("tradinghelper_tick_writer_batch_size_sum"),
                metrics.Sum("tradinghelper_tick_writer_flush_duration_seconds_sum"),
                Proc.CpuSeconds(stack.Ingestor.Pid), Proc.CpuSeconds(stack.Simulator.Pid), Proc.CpuSeconds(stack.Api.Pid),
                stack.Postgres.PostmasterPid() is { } pg ? Proc.CpuSecondsWithChildren(pg) : 0, Proc.CpuSeconds(stack.Redis.Pid),
                Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
        }
    }

    /// <summary>The ingest and memory scenarios: a steady feed, committed rate, commit latency, RSS and CPU per process.</summary>
    public static async Task<string> IngestAsync(Options options, CancellationToken cancellationToken)
    {
        // The ceiling runs on the same server and table just before the feed starts and again after the window with the
        // feed silenced, so the ratio is not an artefact of the shared machine's load changing between the two figures.
        CeilingResult? before = null;
        await using var stack = await StartAndSubscribeAsync(options, cancellationToken,
            options.CeilingSeconds > 0 && options.Instruments > 0
                ? async (s, ids) =>
                {
                    before = await MeasureCeilingAsync(s, ids, options, cancellationToken);
                    await s.ScalarAsync<int>("TRUNCATE tick_data; SELECT 0", cancellationToken);
                }
                : null);
        var report = new System.Text.StringBuilder();
        await Task.Delay(TimeSpan.FromSeconds(options.Warmup), cancellationToken);
        var window = await MeasureWindowAsync(stack, options, report, cancellationToken);
        var rows = await stack.ScalarAsync<long>("SELECT count(*) FROM tick_data", cancellationToken);
        report.AppendLine(CultureInfo.InvariantCulture, $"tick_data rows after the run: {rows:N0} (whole run, warm-up included)");
        var quiet = false;
        if (options.CheckStored)
        {
            await stack.QuietFeedAsync(options.CeilingSeconds + 60, cancellationToken);
            quiet = true;
            var (sent, stored) = await WaitUntilStoredAsync(stack, cancellationToken);
            report.AppendLine(CultureInfo.InvariantCulture, $"stored: {stored:N0} rows in tick_data for {sent:N0} ticks the simulator sent");
            if (stored != sent)
            {
                Console.WriteLine(report);
                throw new InvalidOperationException($"tick_data holds {stored:N0} rows for {sent:N0} ticks sent: the Ingestor lost or duplicated ticks.");
            }
        }
        if (before is not null)
        {
            if (!quiet)
            {
                await stack.QuietFeedAsync(options.CeilingSeconds + 30, cancellationToken);
            }
            var ids = await stack.InstrumentIdsAsync(options.Instruments, cancellationToken);
            var after = await MeasureCeilingAsync(stack, ids, options, cancellationToken);
            var ceiling = (before.RowsPerSecond + after.RowsPerSecond) / 2;
            report.AppendLine("before the feed: " + Describe(before));
            report.AppendLine("after the feed:  " + Describe(after));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"end-to-end / ceiling: {window.CommittedPerSecond:N0} / {ceiling:N0} (mean of both) = {window.CommittedPerSecond / ceiling:P0}; tick→commit p99 {window.P99 * 1000:F1} ms; load average during the window {window.LoadAverage}");
        }
        return report.ToString();
    }

    /// <summary>With the feed silent, waits until tick_data stops short of the ticks sent no longer, or for 30 s.</summary>
    private static async Task<(long Sent, long Stored)> WaitUntilStoredAsync(Stack stack, CancellationToken cancellationToken)
    {
        var (sent, _) = await stack.SimulatorStatsAsync(cancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var stored = await stack.ScalarAsync<long>("SELECT count(*) FROM tick_data", cancellationToken);
            if (stored >= sent || DateTime.UtcNow > deadline)
            {
                return (sent, stored);
            }
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>The headline figures of a measured window.</summary>
    private sealed record Window(double CommittedPerSecond, double P99, string LoadAverage);

    private static async Task<Window> MeasureWindowAsync(Stack stack, Options options, System.Text.StringBuilder report, CancellationToken cancellationToken)
    {
        stack.ThrowIfAnyExited();
        var before = await Sample.TakeAsync(stack, cancellationToken);
        var rss = new List<long>();
        var end = DateTime.UtcNow.AddSeconds(options.Duration);
        while (DateTime.UtcNow < end)
        {
            rss.Add(Proc.RssBytes(stack.Ingestor.Pid));
            await Task.Delay(1000, cancellationToken);
            stack.ThrowIfAnyExited();
        }
        var after = await Sample.TakeAsync(stack, cancellationToken);
        var seconds = (after.At - before.At).TotalSeconds;
        var (p50, count) = Scrape.Quantile(before.Latency, after.Latency, 0.50);
        var (p99, _) = Scrape.Quantile(before.Latency, after.Latency, 0.99);
        var (p999, _) = Scrape.Quantile(before.Latency, after.Latency, 0.999);
        var metrics = await stack.IngestorMetricsAsync(cancellationToken);
        double Cores(double a, double b) => (b - a) / seconds;

        report.AppendLine(CultureInfo.InvariantCulture, $"window: {seconds:F1} s after {options.Warmup} s warm-up; {options.Instruments} instruments ({options.Mode}); simulator target {options.Rate:N0} ticks/s");
        report.AppendLine(CultureInfo.InvariantCulture, $"simulator sent:     {(after.SimPackets - before.SimPackets) / seconds,12:N0} ticks/s");
        report.AppendLine(CultureInfo.InvariantCulture, $"Ingestor committed: {(after.Written - before.Written) / seconds,12:N0} ticks/s  ({TicksWritten})");
        report.AppendLine(CultureInfo.InvariantCulture, $"tick→commit latency over {count:N0} ticks: p50 {p50 * 1000:F1} ms, p99 {p99 * 1000:F1} ms, p99.9 {p999 * 1000:F1} ms (bucket-interpolated)");
        var batches = after.Batches - before.Batches;
        report.AppendLine(CultureInfo.InvariantCulture, $"writer: {batches / seconds:F1} commits/s, mean batch {(after.BatchTicks - before.BatchTicks) / Math.Max(1, batches):N0} ticks, mean commit {(after.FlushSeconds - before.FlushSeconds) / Math.Max(1, batches) * 1000:F1} ms, p99 commit {Scrape.Quantile(before.Flush, after.Flush, 0.99).Value * 1000:F0} ms");
        report.AppendLine(CultureInfo.InvariantCulture, $"writer channel depth at end: {metrics.Sum("tradinghelper_tick_writer_channel_depth"):N0} ticks; spooled total: {metrics.Sum("tradinghelper_tick_writer_ticks_spooled_total"):N0}");
        report.AppendLine(CultureInfo.InvariantCulture, $"Ingestor RSS: max {rss.DefaultIfEmpty().Max() / 1048576.0:F0} MB, mean {rss.DefaultIfEmpty().Average() / 1048576.0:F0} MB, last {rss.LastOrDefault() / 1048576.0:F0} MB");
        // VmRSS counts mapped assemblies (file-backed) and the runtime's double-mapped JIT code (shared, W^X) as well as the heap; the split says which grew.
        var pid = stack.Ingestor.Pid;
        var anonymous = Proc.RssBytes(pid, "RssAnon:") / 1048576.0;
        var gcCommitted = metrics.Sum("dotnet_gc_last_collection_memory_committed_size_bytes") / 1048576.0;
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Ingestor RSS split at end: anonymous {anonymous:F0} MB, file-backed {Proc.RssBytes(pid, "RssFile:") / 1048576.0:F0} MB, shared {Proc.RssBytes(pid, "RssShmem:") / 1048576.0:F0} MB; GC heap after last GC {metrics.Sum("dotnet_gc_last_collection_heap_size_bytes") / 1048576.0:F0} MB, GC committed {gcCommitted:F0} MB");
        string Generations(string metric) => string.Join(" / ", GcGenerations.Select(generation => (metrics.Sum(metric, $"gc_heap_generation=\"{generation}\"") / 1048576.0).ToString("F1", CultureInfo.InvariantCulture)));
        report.AppendLine(CultureInfo.InvariantCulture,
            $"GC after the last collection, gen0 / gen1 / gen2 / LOH / POH: size {Generations("dotnet_gc_last_collection_heap_size_bytes")} MB, fragmentation {Generations("dotnet_gc_last_collection_heap_fragmentation_size_bytes")} MB; collections {metrics.Sum("dotnet_gc_collections_total", "gc_heap_generation=\"gen0\""):N0} / {metrics.Sum("dotnet_gc_collections_total", "gc_heap_generation=\"gen1\""):N0} / {metrics.Sum("dotnet_gc_collections_total", "gc_heap_generation=\"gen2\""):N0}; allocated since start {metrics.Sum("dotnet_gc_heap_total_allocated_bytes_total") / 1048576.0:N0} MB");
        // Anonymous pages the GC did not commit are the runtime's own: JIT code and data, thread stacks, native buffers.
        report.AppendLine(CultureInfo.InvariantCulture, $"Ingestor managed vs native: managed (GC committed) {gcCommitted:F0} MB, native anonymous (anonymous − GC committed) {Math.Max(0, anonymous - gcCommitted):F0} MB");
        report.AppendLine(CultureInfo.InvariantCulture, $"CPU cores used: simulator {Cores(before.SimulatorCpu, after.SimulatorCpu):F2}, Ingestor {Cores(before.IngestorCpu, after.IngestorCpu):F2}, PostgreSQL {Cores(before.PostgresCpu, after.PostgresCpu):F2}, Redis {Cores(before.RedisCpu, after.RedisCpu):F2}, Api {Cores(before.ApiCpu, after.ApiCpu):F2}, harness {Cores(before.HarnessCpu, after.HarnessCpu):F2}");
        var load = Proc.LoadAverage();
        report.AppendLine(CultureInfo.InvariantCulture, $"load average: {load}");
        return new Window((after.Written - before.Written) / seconds, p99, load);
    }
}
