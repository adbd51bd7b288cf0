using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TradingHelper.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL 15 (the <c>postgres</c> storage profile), redis-server and Prometheus from Debian as processes the
/// AppHost starts and stops; data is kept under the data directory across runs.
/// </summary>
internal static class LocalInfrastructure
{
    public const string DatabaseName = "trading_data";

    // The same list, newest first, as Infrastructure/postgres.sh takes.
    private static readonly int[] PostgresVersions = [17, 16, 15];

    /// <summary>Names every missing package in one line, before anything starts.</summary>
    public static void RequirePrerequisites()
    {
        var missing = new List<string>();
        if (!PostgresVersions.Any(version => File.Exists($"/usr/lib/postgresql/{version}/bin/postgres")))
        {
            missing.Add("postgresql-15");
        }
        if (!OnPath("redis-server"))
        {
            missing.Add("redis-server");
        }
        if (!OnPath("prometheus"))
        {
            missing.Add("prometheus");
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Local infrastructure needs {string.Join(", ", missing)}. Install with: sudo apt-get install {string.Join(' ', missing)} " +
                "(or run with Docker: Infrastructure:Mode=containers).");
        }
    }

    public static DataStores AddLocalDataStores(this IDistributedApplicationBuilder builder, string dataDirectory, IResourceBuilder<ParameterResource> postgresPassword)
    {
        Directory.CreateDirectory(dataDirectory);
        var script = Path.Combine(builder.AppHostDirectory, "Infrastructure", "postgres.sh");
        var server = new PostgresServerProcess("postgres", script, dataDirectory, postgresPassword.Resource);
        var postgres = builder.AddResource(server)
            .WithEndpoint(name: PostgresServerProcess.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(Path.Combine(dataDirectory, "postgres"));
                context.Args.Add(server.Endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithEnvironment("POSTGRES_PASSWORD", postgresPassword)
            .WithIconName("Database")
            .WithHealthCheck(AddCheck(builder, "postgres-ready", () => new PostgresHealthCheck(server)))
            .OnResourceReady(CreateDatabaseAsync);

        var database = builder.AddConnectionString("tradingdb", ReferenceExpression.Create($"{server};Database={DatabaseName}"))
            .WithParentRelationship(postgres);
        database.WithHealthCheck(AddCheck(builder, "tradingdb-ready", () => new PostgresHealthCheck(database.Resource)));

        var redisDirectory = Directory.CreateDirectory(Path.Combine(dataDirectory, "redis")).FullName;
        var redisServer = new RedisServerProcess("redis", redisDirectory);
        var redis = builder.AddResource(redisServer)
            .WithEndpoint(name: RedisServerProcess.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                // Loopback only; the append-only file keeps the Kite session and the command stream across runs.
                context.Args.Add("--port");
                context.Args.Add(redisServer.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--dir");
                context.Args.Add(redisDirectory);
                context.Args.Add("--appendonly");
                context.Args.Add("yes");
                context.Args.Add("--save");
                context.Args.Add("");
            })
            .WithIconName("Memory")
            .WithHealthCheck(AddCheck(builder, "redis-ready", () => new RedisHealthCheck(redisServer)));

        return new DataStores(database, redis);
    }

    /// <summary>Prometheus scraping each service's <c>/metrics</c> at the address the AppHost gave it.</summary>
    public static IResourceBuilder<ExecutableResource> AddLocalPrometheus(
        this IDistributedApplicationBuilder builder, string dataDirectory, params IResourceBuilder<ProjectResource>[] scraped)
    {
        var prometheusDirectory = Directory.CreateDirectory(Path.Combine(dataDirectory, "prometheus")).FullName;
        var configFile = Path.Combine(prometheusDirectory, "prometheus.yml");
        return builder.AddExecutable("prometheus", "prometheus", prometheusDirectory)
            .WithHttpEndpoint(name: "http")
            .WithArgs(context =>
            {
                var http = ((IResourceWithEndpoints)context.Resource).GetEndpoint("http");
                context.Args.Add($"--config.file={configFile}");
                context.Args.Add($"--storage.tsdb.path={Path.Combine(prometheusDirectory, "data")}");
                context.Args.Add(ReferenceExpression.Create($"--web.listen-address=127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"));
            })
            .OnBeforeResourceStarted(async (_, _, cancellationToken) =>
                await PrometheusConfig.WriteAsync(configFile, scraped, cancellationToken).ConfigureAwait(false))
            .WithIconName("ChartMultiple")
            .WithHttpHealthCheck("/-/ready");
    }

    // One instance per check for the whole run: the Redis probe keeps its connection between runs.
    private static string AddCheck(IDistributedApplicationBuilder builder, string key, Func<IHealthCheck> create)
    {
        var check = new Lazy<IHealthCheck>(create);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check.Value, HealthStatus.Unhealthy, tags: null));
        return key;
    }

    private static async Task CreateDatabaseAsync(PostgresServerProcess server, ResourceReadyEvent ready, CancellationToken cancellationToken)
    {
        var connectionString = await ((IResourceWithConnectionString)server).GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = DatabaseName } },
        };
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, program)));
}
