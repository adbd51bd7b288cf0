using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingHelper.Core.Candles;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Core.Storage;

/// <summary>Registers the schema migrations, the storage health check, the candle query and the postgres-profile upkeep.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddTradingStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateWith<StorageOptions, StorageOptions.Validator>()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StorageState>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        services.AddSingleton<CandleQuery>();
        return services;
    }

    /// <summary>
    /// For the one service that writes ticks (the Ingestor): in the postgres profile, keeps <c>candles_1m</c> current
    /// and tick partitions ahead and within retention; in both, recomputes candles invalidated by late ticks.
    /// </summary>
    public static IServiceCollection AddTradingStorageUpkeep(this IServiceCollection services)
    {
        services.AddOptions<CandleOptions>()
            .BindConfiguration(CandleOptions.SectionName)
            .ValidateWith<CandleOptions, CandleOptions.Validator>()
            .ValidateOnStart();
        services.AddHostedService<PartitionMaintenance>();
        services.AddHostedService<CandleRefresher>();
        return services;
    }
}
