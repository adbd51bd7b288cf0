using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Core.Commands;

/// <summary>Registers the command stream: the publisher for the Api, the consumer for the Ingestor.</summary>
public static class CommandServiceCollectionExtensions
{
    public static IServiceCollection AddCommandPublisher(this IServiceCollection services)
    {
        services.AddCommandStreamOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CommandPublisher>();
        return services;
    }

    public static IServiceCollection AddCommandConsumer(this IServiceCollection services)
    {
        services.AddCommandStreamOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<CommandConsumer>();
        return services;
    }

    private static void AddCommandStreamOptions(this IServiceCollection services) =>
        services.AddOptions<CommandStreamOptions>()
            .BindConfiguration(CommandStreamOptions.SectionName)
            .ValidateWith<CommandStreamOptions, CommandStreamOptions.Validator>()
            .ValidateOnStart();
}
