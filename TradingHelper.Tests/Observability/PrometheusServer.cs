using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Observability;

/// <summary>
/// A throwaway Prometheus (the Debian binary) scraping the given targets every second, storing into a temp folder
/// on a free loopback port. Disposing kills it and removes the folder.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, string root, int port)
    {
        _process = process;
        _root = root;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
    }

    public HttpClient Client { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, Uri> jobs, CancellationToken cancellationToken)
    {
        var executable = ServerProcess.FindExecutable("prometheus", ["/usr/bin/prometheus"], "prometheus");
        var root = Directory.CreateTempSubdirectory("tradinghelper-prometheus-").FullName;
        var config = new StringBuilder("""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:

            """);
        foreach (var (job, target) in jobs)
        {
            config.Append($"""
                  - job_name: {job}
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["{target.Authority}"]

                """);
        }
        var configFile = Path.Combine(root, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, config.ToString(), cancellationToken);

        var port = FreePort.Next();
        var startInfo = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                $"--config.file={configFile}",
                $"--storage.tsdb.path={Path.Combine(root, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("prometheus did not start.");
        var server = new PrometheusServer(process, root, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Evaluates an instant query now; returns the API's status and the result's series.</summary>
    public async Task<(string Status, string? Error, JsonElement Result)> QueryAsync(string expr, CancellationToken cancellationToken)
    {
        using var response = await Client.PostAsync(
            "api/v1/query", new FormUrlEncodedContent([new("query", expr)]), cancellationToken);
        using var body = await response.Content.ReadFromJsonAsync<JsonDocument>(cancellationToken)
            ?? throw new InvalidOperationException($"Prometheus answered {response.StatusCode} without a body.");
        var root = body.RootElement;
        var status = root.GetProperty("status").GetString()!;
        var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
        var result = status == "success" ? root.GetProperty("data").GetProperty("result").Clone() : default;
        return (status, error, result);
    }

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) until <paramref name="expr"/> returns a series; false if it never did.
    /// </summary>
    public async Task<bool> WaitForSeriesAsync(string expr, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (status, _, result) = await QueryAsync(expr, cancellationToken);
            if (status == "success" && result.GetArrayLength() > 0)
            {
                return true;
            }
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                return false;
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}.\n{Log}");
            }
            try
            {
                using var response = await Client.GetAsync("-/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus was not ready within 60 s.\n{Log}");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
