using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace TradingHelper.LoadTest;

/// <summary>What to start: the simulator's rate and universe, and how PostgreSQL commits.</summary>
internal sealed record StackOptions(int TicksPerSecond, int ExtraStocks, bool DurablePostgres, bool KeepFiles, string[] IngestorEnvironment, string[] ApiEnvironment, string? IngestorExecutable, bool Fyers);

/// <summary>
/// PostgreSQL, Redis, the simulator, the Ingestor and the Api as child processes on free loopback ports, all in one
/// temp folder; disposing stops every one of them (services first, so they drain, then the servers).
/// </summary>
internal sealed class Stack : IAsyncDisposable
{
    public const string ApiKey = "load-test-api-key-0123456789";
    private const string Database = "tradinghelper";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _root;
    private readonly bool _keepFiles;

    private Stack(string root, bool keepFiles)
    {
        _root = root;
        _keepFiles = keepFiles;
    }

    public Postgres Postgres { get; private set; } = null!;

    public Child Redis { get; private set; } = null!;

    public Child Simulator { get; private set; } = null!;

    public Child Ingestor { get; private set; } = null!;

    private bool _fyers;

    private string BrokerColumn => _fyers ? "fyers_symbol" : "kite_token";

    public Child Api { get; private set; } = null!;

    public Uri SimulatorUrl { get; private set; } = null!;

    public Uri IngestorUrl { get; private set; } = null!;

    public Uri ApiUrl { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public string DatabaseConnectionString => Postgres.ConnectionString(Database);

    public static async Task<Stack> StartAsync(StackOptions options, CancellationToken cancellationToken)
    {
        var stack = new Stack(Directory.CreateTempSubdirectory("tradinghelper-load-").FullName, options.KeepFiles);
        try
        {
            await stack.StartAllAsync(options, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(StackOptions options, CancellationToken cancellationToken)
    {
        var repository = FindRepositoryRoot();
        string Dll(string project)
        {
            var path = Path.Combine(repository, project, "bin", "Release", "net10.0", project + ".dll");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"{path} is missing: run 'dotnet build TradingHelper.sln -c Release' first.");
        }
        var simulatorDll = Dll("TradingHelper.Simulator");
        var ingestorDll = Dll("TradingHelper.Ingestor");
        var apiDll = Dll("TradingHelper.Api");
        Console.WriteLine($"work folder: {_root}");

        Postgres = await Postgres.StartAsync(_root, options.DurablePostgres);
        _owned.Add(Postgres);
        await Postgres.CreateDatabaseAsync(Database);

        var redisPort = FreePort.Next();
        var redisDir = Path.Combine(_root, "redis");
        Directory.CreateDirectory(redisDir);
        Redis = Child.Start("redis", Tool.Find("redis-server", "/usr/bin/redis-server"),
            ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", redisDir, "--save", "", "--appendonly", "no", "--protected-mode", "no"],
            new Dictionary<string, string>(), _root);
        _owned.Add(Redis);

        var simulatorPort = FreePort.Next();
        SimulatorUrl = new Uri($"http://127.0.0.1:{simulatorPort}");
        Simulator = Child.Start("simulator", "dotnet", [simulatorDll], new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = SimulatorUrl.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Simulator__TicksPerSecond"] = options.TicksPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Simulator__ExtraStocks"] = options.ExtraStocks.ToString(CultureInfo.InvariantCulture),
        }, _root, Path.GetDirectoryName(simulatorDll));
        _owned.Add(Simulator);

        _fyers = options.Fyers;
        var common = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__tradingdb"] = DatabaseConnectionString,
            ["ConnectionStrings__redis"] = $"127.0.0.1:{redisPort}",
            ["Broker__Kind"] = options.Fyers ? "fyers" : "simulator",
            ["Kite__TickerUrl"] = $"ws://127.0.0.1:{simulatorPort}/",
            ["Kite__ApiBaseUrl"] = SimulatorUrl.ToString().TrimEnd('/'),
            ["Kite__ApiKey"] = "sim_api_key",
            ["Kite__ApiSecret"] = "sim_api_secret",
            ["Kite__AccessToken"] = "sim_access_token",
            ["Api__ApiKey"] = ApiKey,
        };

        var ingestorEnvironment = new Dictionary<string, string>(common);
        AddSettings(ingestorEnvironment, options.IngestorEnvironment);
        var ingestorPort = FreePort.Next();
        IngestorUrl = new Uri($"http://127.0.0.1:{ingestorPort}");
        var spool = Path.Combine(_root, "spool");
        Directory.CreateDirectory(spool);
        ingestorEnvironment["ASPNETCORE_URLS"] = IngestorUrl.ToString();
        ingestorEnvironment["TickWriter__SpoolDirectory"] = spool;
        ingestorEnvironment.TryAdd("TickWriter__WriterId", "load-test");
        if (options.Fyers)
        {
            // Fyers' data socket, history and symbol master on the simulator, with a token it issues (no login round trip).
            await WaitAliveAsync(Simulator, new Uri(SimulatorUrl, "/alive"), cancellationToken);
            using var issued = await Http.PostAsync(new Uri(SimulatorUrl, "/_sim/fyers/token"), null, cancellationToken);
            await EnsureSuccessAsync(issued, "Fyers token");
            using var token = JsonDocument.Parse(await issued.Content.ReadAsStringAsync(cancellationToken));
            ingestorEnvironment["Fyers__AccessToken"] = token.RootElement.GetProperty("accessToken").GetString()!;
            ingestorEnvironment["Fyers__DataSocketUrl"] = $"ws://127.0.0.1:{simulatorPort}/hsm/v1-5/prod";
            ingestorEnvironment["Fyers__ApiBaseUrl"] = SimulatorUrl.ToString();
            ingestorEnvironment["Fyers__SymbolMasterUrl"] = new Uri(SimulatorUrl, "/sym_details/").ToString();
        }
        Ingestor = options.IngestorExecutable is { } executable
            ? Child.Start("ingestor", executable, [], ingestorEnvironment, _root, Path.GetDirectoryName(executable))
            : Child.Start("ingestor", "dotnet", [ingestorDll], ingestorEnvironment, _root, Path.GetDirectoryName(ingestorDll));
        _owned.Add(Ingestor);

        await WaitAliveAsync(Simulator, new Uri(SimulatorUrl, "/alive"), cancellationToken);
        // The Ingestor migrates the schema on start; the Api starts once that is done so the two do not race.
        await WaitAliveAsync(Ingestor, new Uri(IngestorUrl, "/alive"), cancellationToken);
        await WaitForTableAsync("subscriptions", cancellationToken);

        var apiPort = FreePort.Next();
        ApiUrl = new Uri($"http://127.0.0.1:{apiPort}");
        var apiEnvironment = new Dictionary<string, string>(common) { ["ASPNETCORE_URLS"] = ApiUrl.ToString() };
        AddSettings(apiEnvironment, options.ApiEnvironment);
        Api = Child.Start("api", "dotnet", [apiDll], apiEnvironment, _root, Path.GetDirectoryName(apiDll));
        _owned.Add(Api);
        await WaitAliveAsync(Api, new Uri(ApiUrl, "/alive"), cancellationToken);
    }

    /// <summary>Asks the Api for an instrument sync and waits until the instrument master holds at least <paramref name="expected"/> rows.</summary>
    public async Task SyncInstrumentsAsync(int expected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiUrl, "/api/instruments/sync")) { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Api-Key", ApiKey);
        using var response = await Http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, "instrument sync");
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var count = await ScalarAsync<long>($"SELECT count(*) FROM instruments WHERE NOT is_expired AND {BrokerColumn} IS NOT NULL", cancellationToken);
            if (count >= expected)
            {
                Console.WriteLine($"instruments synced: {count}");
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {count} of {expected} instruments arrived.\n{Ingestor.Tail(30)}");
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The first <paramref name="count"/> live instrument ids, in id order.</summary>
    public async Task<int[]> InstrumentIdsAsync(int count, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT instrument_id FROM instruments WHERE NOT is_expired AND {BrokerColumn} IS NOT NULL ORDER BY instrument_id LIMIT @n", connection);
        command.Parameters.AddWithValue("n", count);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }
        return [.. ids];
    }

    /// <summary>Subscribes through the Api, which records them and asks the Ingestor to subscribe at the broker.</summary>
    public async Task SubscribeAsync(int[] ids, string mode, CancellationToken cancellationToken)
    {
        foreach (var chunk in ids.Chunk(3000))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiUrl, "/api/instruments/subscribe"))
            {
                Content = JsonContent.Create(new { tokens = chunk, mode }),
            };
            request.Headers.Add("X-Api-Key", ApiKey);
            using var response = await Http.SendAsync(request, cancellationToken);
            await EnsureSuccessAsync(response, "subscribe");
        }
    }

    /// <summary>Waits until the simulator streams to the Ingestor for <paramref name="count"/> instruments.</summary>
    public async Task WaitForStreamingAsync(int count, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var (_, subscribed) = await SimulatorStatsAsync(cancellationToken);
            if (subscribed >= count)
            {
                Console.WriteLine($"simulator streams {subscribed} instruments");
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The simulator streams {subscribed} of {count} instruments.\n{Ingestor.Tail(30)}");
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Packets the simulator has sent in all, and instruments subscribed over its open connections.</summary>
    public async Task<(long Packets, int Subscribed)> SimulatorStatsAsync(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync(new Uri(SimulatorUrl, "/_sim/stats"), cancellationToken));
        var root = document.RootElement;
        if (_fyers)
        {
            root = root.GetProperty("fyers");
        }
        var subscribed = 0;
        foreach (var connection in root.GetProperty("connections").EnumerateArray())
        {
            subscribed += connection.GetProperty("subscriptions").GetInt32();
        }
        // Fyers counts records (a tick each in ltp and quote mode; full mode adds depth records, which are not ticks).
        return (root.GetProperty(_fyers ? "totalRecords" : "totalPackets").GetInt64(), subscribed);
    }

    /// <summary>Has the simulator send heartbeats only for <paramref name="seconds"/>, and waits until the Ingestor's writer has committed what it queued.</summary>
    public async Task QuietFeedAsync(int seconds, CancellationToken cancellationToken)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(SimulatorUrl, "/_sim/faults"), new { kind = "quiet", seconds }, cancellationToken);
        await EnsureSuccessAsync(response, "quiet fault");
        var deadline = DateTime.UtcNow + StartTimeout;
        var (packets, _) = await SimulatorStatsAsync(cancellationToken);
        while (true)
        {
            await Task.Delay(500, cancellationToken);
            var (now, _) = await SimulatorStatsAsync(cancellationToken);
            var metrics = await IngestorMetricsAsync(cancellationToken);
            if (now == packets && metrics.Sum("tradinghelper_tick_writer_channel_depth") == 0)
            {
                // The last batch may still be committing; one more flush interval and a commit's worth of time.
                await Task.Delay(1000, cancellationToken);
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The Ingestor did not drain its writer after the feed went quiet.");
            }
            packets = now;
        }
    }

    public async Task<Scrape> IngestorMetricsAsync(CancellationToken cancellationToken) =>
        Scrape.Parse(await Http.GetStringAsync(new Uri(IngestorUrl, "/metrics"), cancellationToken));

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public void ThrowIfAnyExited()
    {
        foreach (var child in new[] { Redis, Simulator, Ingestor, Api })
        {
            if (child is { HasExited: true })
            {
                throw new InvalidOperationException($"{child.Name} exited during the run:\n{child.Tail(40)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse order: the Api and Ingestor stop (the Ingestor drains its writer) before Redis and PostgreSQL go.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException)
            {
                Console.Error.WriteLine($"stopping a child failed: {ex.Message}");
            }
        }
        _owned.Clear();
        Http.Dispose();
        if (_keepFiles)
        {
            Console.WriteLine($"kept logs and data in {_root}");
        }
        else
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"could not delete {_root}: {ex.Message}");
            }
        }
    }

    private async Task WaitAliveAsync(Child child, Uri probe, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (child.HasExited)
            {
                throw new InvalidOperationException($"{child.Name} exited while starting:\n{child.Tail(40)}");
            }
            try
            {
                using var response = await Http.GetAsync(probe, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{child.Name} did not answer {probe} in time:\n{child.Tail(40)}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    private async Task WaitForTableAsync(string table, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (await ScalarAsync<bool>($"SELECT to_regclass('{table}') IS NOT NULL", cancellationToken) is false)
        {
            if (DateTime.UtcNow > deadline || Ingestor.HasExited)
            {
                throw new TimeoutException($"The Ingestor did not create the schema:\n{Ingestor.Tail(40)}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    private static void AddSettings(Dictionary<string, string> environment, string[] pairs)
    {
        foreach (var pair in pairs)
        {
            environment[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TradingHelper.sln")))
            {
                return directory.FullName;
            }
        }
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TradingHelper.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run the harness from inside the repository (TradingHelper.sln not found).");
    }
}
