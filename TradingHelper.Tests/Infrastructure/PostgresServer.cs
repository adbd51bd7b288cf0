using Npgsql;

namespace TradingHelper.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster in a temp folder on a free loopback port, or the server named by
/// <c>TRADINGHELPER_TEST_POSTGRES</c>. Owned clusters can be stopped and restarted by fault tests.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ExternalVariable = "TRADINGHELPER_TEST_POSTGRES";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly string? _binDirectory;
    private readonly string? _root;
    private readonly string? _runAs;
    private readonly NpgsqlConnectionStringBuilder _admin;
    private int _databaseCounter;

    private PostgresServer(NpgsqlConnectionStringBuilder admin, string? binDirectory, string? root, string? runAs)
    {
        _admin = admin;
        _binDirectory = binDirectory;
        _root = root;
        _runAs = runAs;
    }

    /// <summary>True when this run started the cluster and may stop and restart it.</summary>
    public bool IsOwned => _root is not null;

    /// <summary>A superuser connection to the maintenance database.</summary>
    public string AdminConnectionString => _admin.ConnectionString;

    private string DataDirectory => Path.Combine(_root!, "data");

    private string LogFile => Path.Combine(_root!, "postgres.log");

    public static async Task<PostgresServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ExternalVariable) is { Length: > 0 } external)
        {
            return new PostgresServer(new NpgsqlConnectionStringBuilder(external) { Database = "postgres" }, null, null, null);
        }

        var initdb = ServerProcess.FindExecutable("initdb", ["/usr/lib/postgresql/15/bin/initdb", "/usr/lib/postgresql/16/bin/initdb", "/usr/lib/postgresql/17/bin/initdb"], "postgresql-15");
        var binDirectory = Path.GetDirectoryName(initdb)!;
        var root = Directory.CreateTempSubdirectory("tradinghelper-pg-").FullName;
        var runAs = ServerProcess.RunningAsRoot ? ServiceUser : null;
        if (runAs is not null)
        {
            await ServerProcess.RunAsync("chown", [$"{ServiceUser}:{ServiceUser}", root], CommandTimeout);
        }

        var port = FreePort.Next();
        var server = new PostgresServer(
            new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Database = "postgres",
                Pooling = false,
            },
            binDirectory,
            root,
            runAs);

        await ServerProcess.RunAsync(initdb, ["-D", server.DataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"], CommandTimeout, runAs);
        await server.StartServerAsync(port);
        return server;
    }

    /// <summary>Creates an empty database for one test class and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"th_{SanitisedName(purpose)}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Stops the cluster the way an operator's restart would (fast shutdown: open sessions are cut).</summary>
    public Task StopAsync()
    {
        EnsureOwned();
        return ServerProcess.RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "fast", "-w"], CommandTimeout, _runAs);
    }

    public Task RestartAsync()
    {
        EnsureOwned();
        return StartServerAsync(_admin.Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!IsOwned)
        {
            return;
        }
        try
        {
            await ServerProcess.RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["stop", "-D", DataDirectory, "-m", "immediate", "-w"], CommandTimeout, _runAs);
        }
        catch (InvalidOperationException)
        {
            // Already stopped by a fault test that failed half-way: nothing left to stop.
        }
        Directory.Delete(_root!, recursive: true);
    }

    private Task<string> StartServerAsync(int port) =>
        ServerProcess.RunAsync(
            Path.Combine(_binDirectory!, "pg_ctl"),
            [
                "start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
                // Test data is thrown away, so durability is traded for speed; the socket lives in the temp folder.
                "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {_root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
            ],
            CommandTimeout,
            _runAs);

    private void EnsureOwned()
    {
        if (!IsOwned)
        {
            throw new InvalidOperationException($"The PostgreSQL server comes from {ExternalVariable}; tests cannot stop or restart it.");
        }
    }

    private static string SanitisedName(string purpose)
    {
        Span<char> buffer = stackalloc char[Math.Min(purpose.Length, 30)];
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = char.IsAsciiLetterOrDigit(purpose[i]) ? char.ToLowerInvariant(purpose[i]) : '_';
        }
        return new string(buffer);
    }
}
