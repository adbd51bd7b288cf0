using Npgsql;
using StackExchange.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The database and Redis clients, wired as Aspire.Npgsql and Aspire.StackExchange.Redis would wire them
/// (those packages are not served here): same connection-string keys, health checks and telemetry.
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
        var connectionString = RequiredConnectionString(builder.Configuration, DatabaseConnectionName);
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddHealthChecks().AddNpgSql(
            sp => sp.GetRequiredService<NpgsqlDataSource>(),
            name: "postgres",
            tags: [HealthTags.Ready],
            timeout: HealthCheckTimeout);
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddNpgsql())
            .WithMetrics(metrics => metrics.AddMeter("Npgsql"));
        return builder;
    }

    public static TBuilder AddTradingRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var connectionString = RequiredConnectionString(builder.Configuration, RedisConnectionName);
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            // Keep retrying in the background instead of failing start-up while Redis is still booting.
            options.AbortOnConnectFail = false;
            options.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(),
            name: "redis",
            tags: [HealthTags.Ready],
            timeout: HealthCheckTimeout);
        return builder;
    }

    private static string RequiredConnectionString(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string 'ConnectionStrings:{name}' is not set. Set it in appsettings or as the environment variable ConnectionStrings__{name}.");
}
