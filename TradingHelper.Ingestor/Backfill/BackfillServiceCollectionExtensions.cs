using System.Diagnostics.CodeAnalysis;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>Registers the broker-neutral backfill: jobs, runner, worker, gap scheduling and the backfill command, over the broker's <typeparamref name="TSource"/>.</summary>
public static class BackfillServiceCollectionExtensions
{
    public static IServiceCollection AddBackfill<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSource>(this IServiceCollection services)
        where TSource : class, IMinuteHistorySource
    {
        services.AddOptions<BackfillOptions>().BindConfiguration(BackfillOptions.SectionName).ValidateWith<BackfillOptions, BackfillOptions.Validator>().ValidateOnStart();
        services.AddSingleton<IMinuteHistorySource, TSource>();
        services.AddSingleton<BackfillJobStore>();
        services.AddSingleton<BackfillRunner>();
        services.AddSingleton<BackfillWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<BackfillWorker>());
        services.AddHostedService<GapBackfillService>();
        services.AddSingleton<ICommandHandler, BackfillHandler>();
        return services;
    }
}
