using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Core.Storage;

/// <summary>Registers the <see cref="TickWriter"/> as the <see cref="ITickSink"/> and as a hosted service.</summary>
public static class TickWriterServiceCollectionExtensions
{
    /// <summary>Adds the tick writer and the ingest_batches retention; needs <c>AddTradingStorage</c> and an <c>NpgsqlDataSource</c>.</summary>
    public static IServiceCollection AddTickWriter(this IServiceCollection services)
    {
        services.AddOptions<TickWriterOptions>()
            .BindConfiguration(TickWriterOptions.SectionName)
            .ValidateWith<TickWriterOptions, TickWriterOptions.Validator>()
            .ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TickWriter>();
        services.AddSingleton<ITickSink>(sp => sp.GetRequiredService<TickWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<TickWriter>());
        services.AddHostedService<IngestBatchRetention>();
        return services;
    }
}
