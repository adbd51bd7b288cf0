using System.Diagnostics;
using System.Net.Sockets;

namespace TradingHelper.Tests.Infrastructure;

/// <summary>
/// A throwaway redis-server on a free loopback port (no persistence unless asked), or the server named by
/// <c>TRADINGHELPER_TEST_REDIS</c>. Each test class takes its own logical database.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string ExternalVariable = "TRADINGHELPER_TEST_REDIS";
    // Some tests take a database per test, not per class: room for a suite that keeps growing.
    private const int DatabaseCount = 1024;

    private readonly string? _executable;
    private readonly string? _root;
    private readonly string _endpoint;
    private Process? _process;
    private int _nextDatabase;

    private RedisServer(string endpoint, string? executable, string? root)
    {
        _endpoint = endpoint;
        _executable = executable;
        _root = root;
    }

    public bool IsOwned => _root is not null;

    /// <summary>The server's address (<c>host:port</c>), without a database.</summary>
    public string Endpoint => _endpoint;

    public static async Task<RedisServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalVariable) is { Length: > 0 } external)
        {
            return new RedisServer(external, null, null);
        }

        var executable = ServerProcess.FindExecutable("redis-server", ["/usr/bin/redis-server"], "redis-server");
        var root = Directory.CreateTempSubdirectory("tradinghelper-redis-").FullName;
        var server = new RedisServer($"127.0.0.1:{FreePort.Next()}", executable, root);
        await server.RestartAsync();
        return server;
    }

    /// <summary>A connection string to a logical database no other test class uses.</summary>
    public string CreateDatabase()
    {
        var database = Interlocked.Increment(ref _nextDatabase);
        if (database >= DatabaseCount)
        {
            throw new InvalidOperationException($"More than {DatabaseCount - 1} Redis databases were asked for; raise DatabaseCount.");
        }
        return $"{_endpoint},defaultDatabase={database},abortConnect=false";
    }

    public Task StopAsync()
    {
        EnsureOwned();
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            return process.WaitForExitAsync();
        }
        return Task.CompletedTask;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a hung Redis.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server answer again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    public async Task RestartAsync()
    {
        EnsureOwned();
        var port = _endpoint[(_endpoint.LastIndexOf(':') + 1)..];
        var startInfo = new ProcessStartInfo(_executable!)
        {
            ArgumentList =
            {
                "--port", port, "--bind", "127.0.0.1", "--dir", _root!,
                "--save", "", "--appendonly", "no", "--databases", DatabaseCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--protected-mode", "no",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!IsOwned)
        {
            return;
        }
        await StopAsync();
        _process?.Dispose();
        Directory.Delete(_root!, recursive: true);
    }

    private async Task SignalAsync(string signal)
    {
        EnsureOwned();
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && _process is { HasExited: false })
            {
                await Task.Delay(50);
            }
        }
    }

    private void EnsureOwned()
    {
        if (!IsOwned)
        {
            throw new InvalidOperationException($"The Redis server comes from {ExternalVariable}; tests cannot stop or restart it.");
        }
    }
}
