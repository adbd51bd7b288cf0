using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TradingHelper.Core.Streaming;

/// <summary>Registers the live tick contract: its options everywhere, the publisher in the Ingestor.</summary>
public static class LiveTickServiceCollectionExtensions
{
    public static IServiceCollection AddLiveTickOptions(this IServiceCollection services)
    {
        services.AddOptions<LiveTickOptions>()
            .BindConfiguration(LiveTickOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    public static IServiceCollection AddLiveTickPublisher(this IServiceCollection services)
    {
        services.AddLiveTickOptions();
        services.TryAddSingleton<LiveTickPublisher>();
        return services;
    }
}
