using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Core.Streaming;

/// <summary>Registers the live tick contract: its options everywhere, the publisher and batcher in the Ingestor.</summary>
public static class LiveTickServiceCollectionExtensions
{
    public static IServiceCollection AddLiveTickOptions(this IServiceCollection services)
    {
        services.AddOptions<LiveTickOptions>()
            .BindConfiguration(LiveTickOptions.SectionName)
            .ValidateWith<LiveTickOptions, LiveTickOptions.Validator>()
            .ValidateOnStart();
        return services;
    }

    public static IServiceCollection AddLiveTickPublisher(this IServiceCollection services)
    {
        services.AddLiveTickOptions();
        services.TryAddSingleton<LiveTickPublisher>();
        return services;
    }

    /// <summary>Adds the publisher and the <see cref="LiveTickBatcher"/> the capture path hands ticks to.</summary>
    public static IServiceCollection AddLiveTickBatcher(this IServiceCollection services)
    {
        services.AddLiveTickPublisher();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LiveTickBatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveTickBatcher>());
        return services;
    }
}
