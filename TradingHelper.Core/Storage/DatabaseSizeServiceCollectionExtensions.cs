using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TradingHelper.Core.Storage;

/// <summary>Registers the database size gauge for the one service that should report it (the Ingestor).</summary>
public static class DatabaseSizeServiceCollectionExtensions
{
    public static IServiceCollection AddDatabaseSizeMetric(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<DatabaseSizeSampler>();
        return services;
    }
}
