using TradingHelper.Core.Commands;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>Registers the broker-neutral backfill: jobs, runner, worker, gap scheduling and the backfill command, over the broker's <typeparamref name="TSource"/>.</summary>
public static class BackfillServiceCollectionExtensions
{
    public static IServiceCollection AddBackfill<TSource>(this IServiceCollection services)
        where TSource : class, IMinuteHistorySource
    {
        services.AddOptions<BackfillOptions>().BindConfiguration(BackfillOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
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
