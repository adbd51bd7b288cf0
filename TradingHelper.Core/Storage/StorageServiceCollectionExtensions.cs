using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TradingHelper.Core.Storage;

/// <summary>Registers the schema migrations and the storage health check.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddTradingStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<StorageState>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }
}
