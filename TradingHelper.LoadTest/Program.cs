using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TradingHelper.LoadTest;

// Usage: dotnet run -c Release --project TradingHelper.LoadTest -- <ingest|latency|memory|candles|option-chain> [--rate N] [--duration S]
//        [--instruments N] [--clients N] [--warmup S] [--mode full|quote|ltp] [--no-fsync] [--keep]
//        [--ceiling-seconds S] [--ceiling-batch N] [--ceiling-connections N]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        TradingHelper.LoadTest <scenario> [options]
          ingest   sustained committed ticks/s and tick→commit latency   (default --rate 100000 --duration 30)
          latency  tick→browser latency with WebSocket clients on the Api (default --rate 5000 --clients 10 --duration 30)
          memory   Ingestor RSS at many instruments                       (default --instruments 1000 --rate 5000 --duration 60)
          candles  candles() server time and GET /api/historical/candles over 375 seeded 1m candles
          option-chain  GET /api/option-chain of 200 contracts with a session of ticks each stored
        options: --rate N (simulator ticks/s) --duration S --warmup S --instruments N --clients N --mode full|quote|ltp
                 --no-fsync (PostgreSQL without fsync/synchronous_commit) --keep (keep logs and data folder)
                 --ceiling-seconds S (ingest: raw COPY into tick_data before the feed; default 15, 0 skips)
                 --ceiling-batch N (rows per COPY transaction, default 10000) --ceiling-connections N (default 1)
                 --ingestor-env KEY=VALUE, --api-env KEY=VALUE (repeatable; settings for that service)
                 --ingestor-executable PATH (a published Ingestor, e.g. Native AOT, instead of the Release dll)
                 --broker kite|fyers (the simulator's Kite ticker, default, or its Fyers data socket)
                 --check-stored (ingest/memory: fail unless tick_data holds every tick the simulator sent, exactly once)
        Needs Release builds: dotnet build TradingHelper.sln -c Release
        """);
    return 0;
}

var scenario = args[0];
var options = Options.Parse(args.AsSpan(1), scenario);

// Ctrl-C and SIGTERM cancel the run; the finally blocks then stop every child process and server.
using var cancel = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; cancel.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; cancel.Cancel(); });
// A hard cap so that no scenario can run forever, whatever goes wrong.
cancel.CancelAfter(TimeSpan.FromSeconds(options.Duration + options.Warmup + 600));

Console.WriteLine($"scenario {scenario}: {options}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average {Proc.LoadAverage()}");
try
{
    var report = scenario switch
    {
        "ingest" or "memory" => await Scenarios.IngestAsync(options, cancel.Token),
        "latency" => await Scenarios.LatencyAsync(options, cancel.Token),
        "candles" => await Scenarios.CandlesAsync(options, cancel.Token),
        "option-chain" => await Scenarios.OptionChainAsync(options, cancel.Token),
        _ => throw new ArgumentException($"Unknown scenario '{scenario}'; expected ingest, latency, memory, candles or option-chain."),
    };
    Console.WriteLine();
    Console.WriteLine(report);
    Console.WriteLine($"load average at the end: {Proc.LoadAverage()}");
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled; everything started was stopped.");
    return 2;
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or ArgumentException or IOException)
{
    Console.Error.WriteLine($"load test failed: {ex}");
    return 1;
}

