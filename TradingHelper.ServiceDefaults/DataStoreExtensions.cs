using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The database and Redis clients through Aspire's client integrations (pooling, tracing, metrics), read from the
/// connection strings an AppHost injects, or that a plain run sets: <c>ConnectionStrings:tradingdb</c> and
/// <c>ConnectionStrings:redis</c>.
/// </summary>
public static class DataStoreExtensions
{
    /// <summary>The connection-string name an AppHost injects for the database resource.</summary>
    public const string DatabaseConnectionName = "tradingdb";

    /// <summary>The connection-string name an AppHost injects for the Redis resource.</summary>
    public const string RedisConnectionName = "redis";

    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(5);

    public static TBuilder AddTradingDatabase<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        RequireConnectionString(builder, DatabaseConnectionName);
        // The integration's own check has no tag and no timeout; /health and /alive sort checks by tag, and a
        // frozen server must answer "timed out" rather than hold the probe.
        builder.AddNpgsqlDataSource(
            DatabaseConnectionName,
            settings => settings.DisableHealthChecks = true,
            dataSource => dataSource.ConfigureTracing(tracing => tracing
                // The writer's COPY every 50 ms and the candle refresher would each start a trace of their own and
                // bury the requests and commands; database spans are kept where they belong to one of those.
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null)
                .ConfigureCopyOperationFilter(_ => Activity.Current is not null)));
        builder.Services.AddHealthChecks().AddNpgSql(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            name: "postgres",
            tags: [HealthTags.Ready],
            timeout: HealthCheckTimeout);
        return builder;
    }

    public static TBuilder AddTradingRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        RequireConnectionString(builder, RedisConnectionName);
        builder.AddRedisClient(RedisConnectionName, settings => settings.DisableHealthChecks = true);
        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(),
            name: "redis",
            tags: [HealthTags.Ready],
            timeout: HealthCheckTimeout);
        return builder;
    }

    // The integrations fail on first use; a service without its database should refuse to start, saying which key.
    private static void RequireConnectionString(IHostApplicationBuilder builder, string name)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
        {
            throw new InvalidOperationException(
                $"Connection string 'ConnectionStrings:{name}' is not set. Set it in appsettings or as the environment variable ConnectionStrings__{name}.");
        }
    }
}
