using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Observability;

namespace TradingHelper.Tests.LocalRun;

/// <summary>The README's no-Docker command, run as a newcomer would: start, use, Ctrl-C, start again.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WholeStackProcesses
{
    public const string Name = "Local run (whole stack as processes)";
}

[Collection(WholeStackProcesses.Name)]
public sealed class RunScriptTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tradinghelper-run-");
    private readonly Dictionary<string, string> _ports = new()
    {
        ["TRADINGHELPER_API_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["TRADINGHELPER_INGESTOR_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["TRADINGHELPER_SIMULATOR_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["TRADINGHELPER_PG_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["TRADINGHELPER_REDIS_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
        ["TRADINGHELPER_PROMETHEUS_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
    };

    private Uri Api => new($"http://127.0.0.1:{_ports["TRADINGHELPER_API_PORT"]}");

    [Fact]
    public async Task One_command_starts_the_stack_candles_grow_and_ctrl_c_leaves_nothing_running()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient { BaseAddress = Api };

        var firstRun = await StartAsync(ct);
        Assert.Contains("Subscribed a starter watchlist", firstRun.Output, StringComparison.Ordinal);
        var nifty = await TokenOfAsync(http, "NIFTY 50", ct);
        var before = await LastCandleAsync(http, nifty, ct);
        var grown = await Eventually(async () =>
        {
            var now = await LastCandleAsync(http, nifty, ct);
            return now is not null && now != before ? now : null;
        }, TimeSpan.FromSeconds(90), "the last NIFTY 50 candle never changed", ct);
        Assert.True(grown.Count >= (before?.Count ?? 0));
        var afterFirstRun = (await LastCandleAsync(http, nifty, ct))!;
        await StopAsync(firstRun);
        AssertNothingLeftRunning();

        // Data is kept: the second run finds its subscriptions and candles, and the feed resumes on top of them.
        var secondRun = await StartAsync(ct);
        Assert.DoesNotContain("Subscribed a starter watchlist", secondRun.Output, StringComparison.Ordinal);
        Assert.Equal(nifty, await TokenOfAsync(http, "NIFTY 50", ct));
        Assert.True((await LastCandleAsync(http, nifty, ct))?.Count >= afterFirstRun.Count, "candles of the first run are gone");
        await Eventually(async () =>
        {
            var now = await LastCandleAsync(http, nifty, ct);
            return now is not null && now != afterFirstRun ? now : null;
        }, TimeSpan.FromSeconds(90), "no new ticks after the restart", ct);
        await StopAsync(secondRun);
        AssertNothingLeftRunning();
    }

    public void Dispose()
    {
        try
        {
            _data.Delete(recursive: true);
        }
        catch (UnauthorizedAccessException)
        {
            // The cluster folder belongs to the postgres user when the tests run as root; it is in a temp folder anyway.
        }
        catch (IOException)
        {
        }
    }

    private async Task<RunningScript> StartAsync(CancellationToken ct)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var startInfo = new ProcessStartInfo("bash", [Path.Combine(RepositoryFiles.Root, "run.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Root,
        };
        // The test run has just built every service; the script uses those binaries instead of building again.
        startInfo.Environment["TRADINGHELPER_SKIP_BUILD"] = "1";
        startInfo.Environment["TRADINGHELPER_CONFIGURATION"] = configuration;
        startInfo.Environment["TRADINGHELPER_DATA"] = _data.FullName;
        foreach (var (key, value) in _ports)
        {
            startInfo.Environment[key] = value;
        }
        var script = new RunningScript(Process.Start(startInfo)!);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!script.Output.Contains("TradingHelper is running", StringComparison.Ordinal))
        {
            Assert.False(script.Process.HasExited, $"run.sh exited with {(script.Process.HasExited ? script.Process.ExitCode : 0)}:\n{script.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"run.sh did not report the stack running within {StartTimeout}:\n{script.Output}");
            await Task.Delay(500, ct);
        }
        return script;
    }

    private static async Task StopAsync(RunningScript script)
    {
        // Ctrl-C: SIGINT to the script, which stops every child and the database.
        using (var kill = Process.Start("kill", ["-INT", script.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await script.Process.WaitForExitAsync(cts.Token);
        Assert.Contains("Stopped. Data is kept", script.Output, StringComparison.Ordinal);
        script.Process.Dispose();
    }

    private void AssertNothingLeftRunning()
    {
        var leftovers = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                var environment = File.ReadAllText(Path.Combine(proc, "environ"));
                // Children are found by the data folder they were given, in their arguments or their environment.
                if (commandLine.Contains(_data.FullName, StringComparison.Ordinal) || environment.Contains(_data.FullName, StringComparison.Ordinal))
                {
                    leftovers.Add($"{pid}: {commandLine}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        Assert.Empty(leftovers);
        Assert.False(File.Exists(Path.Combine(_data.FullName, "postgres", "postmaster.pid")), "PostgreSQL is still running");
    }

    private static async Task<int> TokenOfAsync(HttpClient http, string symbol, CancellationToken ct)
    {
        using var page = JsonDocument.Parse(await http.GetStringAsync($"/api/instruments?type=INDEX&symbol={Uri.EscapeDataString(symbol)}", ct));
        return page.RootElement.GetProperty("items").EnumerateArray()
            .First(item => item.GetProperty("tradingsymbol").GetString() == symbol)
            .GetProperty("token").GetInt32();
    }

    private static async Task<CandleSnapshot?> LastCandleAsync(HttpClient http, int token, CancellationToken ct)
    {
        var to = DateTimeOffset.UtcNow.AddMinutes(2).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var from = DateTimeOffset.UtcNow.AddMinutes(-30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        using var response = await http.GetAsync($"/api/historical/candles?token={token}&from={from}&to={to}&interval=1m", ct);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var candles = body.RootElement.GetProperty("candles");
        if (candles.GetArrayLength() == 0)
        {
            return null;
        }
        var last = candles[candles.GetArrayLength() - 1];
        return new CandleSnapshot(candles.GetArrayLength(), last.GetProperty("time").GetString()!, last.GetProperty("high").GetDecimal(),
            last.GetProperty("low").GetDecimal(), last.GetProperty("close").GetDecimal());
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe, TimeSpan timeout, string failure, CancellationToken ct) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(1000, ct);
        }
    }

    private sealed record CandleSnapshot(int Count, string Time, decimal High, decimal Low, decimal Close);

    private sealed class RunningScript
    {
        private readonly StringBuilder _output = new();

        public RunningScript(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output
        {
            get { lock (_output) { return _output.ToString(); } }
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
