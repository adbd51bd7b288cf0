using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace TradingHelper.LoadTest;

/// <summary>Asks the kernel for a loopback port nobody is listening on.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Runs the command-line tools that start and stop the servers, failing loudly with their output.</summary>
/// <remarks>A copy of the test project's helper: the harness must not depend on the test project.</remarks>
internal static class Tool
{
    /// <summary>PostgreSQL refuses to run as root; the Debian package's <c>postgres</c> user runs it instead.</summary>
    public static bool RunningAsRoot => Environment.UserName == "root";

    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? asUser = null)
    {
        var startInfo = asUser is null ? new ProcessStartInfo(fileName) : new ProcessStartInfo("runuser", ["-u", asUser, "--", fileName]);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} did not finish within {timeout}.\n{output}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} exited with {process.ExitCode}.\n{output}");
        }
        return output.ToString();
    }

    public static string Find(string name, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException($"'{name}' was not found; install it (postgresql-15, redis-server).");
    }
}

/// <summary>A throwaway PostgreSQL 15 cluster in a temp folder on a free loopback port (the tests' approach, trimmed).</summary>
internal sealed class Postgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string _bin;
    private readonly string _root;
    private readonly string? _runAs;
    private bool _started;

    private Postgres(string bin, string root, string? runAs, int port)
    {
        _bin = bin;
        _root = root;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    public string ConnectionString(string database, bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, Pooling = pooling,
    }.ConnectionString;

    /// <summary>The postmaster's pid, so its backends' CPU can be summed.</summary>
    public int? PostmasterPid()
    {
        var file = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            return int.Parse(File.ReadLines(file).First(), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task<Postgres> StartAsync(string workRoot, bool durable)
    {
        var initdb = Tool.Find("initdb", "/usr/lib/postgresql/15/bin/initdb", "/usr/lib/postgresql/16/bin/initdb", "/usr/lib/postgresql/17/bin/initdb");
        var root = Path.Combine(workRoot, "pg");
        Directory.CreateDirectory(root);
        var runAs = Tool.RunningAsRoot ? "postgres" : null;
        if (runAs is not null)
        {
            // The postgres user must be able to reach the folder: chown the work root's pg part and open the work root.
            await Tool.RunAsync("chmod", ["755", workRoot], CommandTimeout);
            await Tool.RunAsync("chown", ["postgres:postgres", root], CommandTimeout);
        }
        var server = new Postgres(Path.GetDirectoryName(initdb)!, root, runAs, FreePort.Next());
        await Tool.RunAsync(initdb, ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"], CommandTimeout, runAs);
        await Tool.RunAsync(Path.Combine(server._bin, "pg_ctl"),
            [
                "start", "-D", server.DataDirectory, "-l", Path.Combine(root, "postgres.log"), "-w", "-t", "60",
                // Durable commits (fsync, synchronous_commit) stay on by default: the targets are about committed ticks.
                "-o", $"-p {server.Port} -c listen_addresses=127.0.0.1 -k {root} -c max_connections=200 -c shared_buffers=256MB"
                    + (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"),
            ],
            CommandTimeout, runAs);
        server._started = true;
        return server;
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_started)
        {
            return;
        }
        _started = false;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await Tool.RunAsync(Path.Combine(_bin, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], CommandTimeout, _runAs);
        }
        catch (InvalidOperationException ex)
        {
            Console.Error.WriteLine($"pg_ctl stop failed: {ex.Message}");
        }
    }
}

/// <summary>A child process (redis-server or a service) whose output goes to a log file, killed with its tree on dispose.</summary>
internal sealed class Child : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private Child(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static Child Start(string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string logDirectory, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? logDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }
        var logPath = Path.Combine(logDirectory, $"{name}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {name}.");
        var child = new Child(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public string Tail(int lines)
    {
        lock (_log)
        {
            _log.Flush();
        }
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first so the services drain and stop cleanly; the tree is killed if they take too long.
            _ = Tool.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5))
                .ContinueWith(static _ => { }, TaskScheduler.Default);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // Output after the harness closed the log: the process is on its way out.
            }
        }
    }
}
