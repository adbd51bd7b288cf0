using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace TradingHelper.AppHost.Tests;

/// <summary>
/// <c>dotnet run --project TradingHelper.AppHost</c> as a newcomer types it, in its own process group (as a terminal
/// gives it), with free ports and a throwaway data directory; every process it starts inherits a marker to be found by.
/// </summary>
internal sealed partial class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private AppHostProcess(Process process, string marker)
    {
        _process = process;
        Marker = marker;
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Marker { get; }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static AppHostProcess Start(string dataDirectory, string marker)
    {
        var repository = RepositoryRoot();
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repository,
        };
        foreach (var argument in new[] { "dotnet", "run", "--project", "TradingHelper.AppHost", "--no-build", "--" })
        {
            info.ArgumentList.Add(argument);
        }
        // The launch profile stays (it is the README's command); only its fixed ports give way to free ones.
        info.ArgumentList.Add($"ASPNETCORE_URLS=http://127.0.0.1:{FreePort()}");
        info.ArgumentList.Add($"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort()}");
        info.ArgumentList.Add($"ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort()}");
        info.ArgumentList.Add("DcpPublisher:RandomizePorts=true");
        info.ArgumentList.Add("Infrastructure:Mode=local");
        info.ArgumentList.Add($"Infrastructure:DataDirectory={dataDirectory}");
        info.Environment["TRADINGHELPER_TEST_MARKER"] = marker;
        return new AppHostProcess(Process.Start(info)!, marker);
    }

    /// <summary>Waits for a line of the console matching <paramref name="pattern"/> and returns its first group.</summary>
    public async Task<string> WaitForAsync(Regex pattern, TimeSpan within)
    {
        using var timeout = Waiting.Within(within);
        while (true)
        {
            if (pattern.Match(Output) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited ({_process.ExitCode}) before printing {pattern}:\n{Output}");
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"After {within} the AppHost had not printed {pattern}:\n{Output}");
            }
        }
    }

    /// <summary>Ctrl-C: SIGINT to the whole process group, as a terminal sends it.</summary>
    public Task InterruptAsync() => SignalAsync("-INT", $"-{_process.Id}");

    /// <summary>SIGTERM to the <c>dotnet run</c> process alone, as a service manager stopping it would.</summary>
    public Task TerminateAsync() => SignalAsync("-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Every process that carries this run's marker, names its data directory or works in it, as "pid command".</summary>
    public static List<string> ProcessesOf(string marker, string dataDirectory)
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                // redis-server rewrites its title over argv and environ; its working directory still gives it away.
                var workingDirectory = new DirectoryInfo(Path.Combine(directory, "cwd")).LinkTarget ?? "";
                if (environment.Contains(marker, StringComparison.Ordinal)
                    || workingDirectory.StartsWith(dataDirectory, StringComparison.Ordinal)
                    || environment.Contains(dataDirectory, StringComparison.Ordinal)
                    || commandLine.Contains(dataDirectory, StringComparison.Ordinal))
                {
                    found.Add($"{pid} {commandLine}");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to read.
            }
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("-KILL", $"-{_process.Id}");
        }
        _process.Dispose();
    }

    private static async Task SignalAsync(string signal, string target)
    {
        using var kill = Process.Start("kill", [signal, "--", target]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = Waiting.Within(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TradingHelper.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("TradingHelper.sln not found above the test binaries.");
    }
}
