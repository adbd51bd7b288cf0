using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Storage;
<<<<<<< HEAD
using TradingHelper.Ingestor.Brokers.Kite;
=======
using TradingHelper.Core.Streaming;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Subscriptions;
>>>>>>> ticker

namespace TradingHelper.Ingestor.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Ticks are written to the database; latest quotes and live fan-out go through Redis.
        builder.AddTradingDatabase();
        builder.AddTradingRedis();
        builder.Services.AddTradingStorage();
        // Plain PostgreSQL has no continuous aggregates or chunk retention; the Ingestor does that work there.
        builder.Services.AddTradingStorageUpkeep();
        // Reported by one service only, so a dashboard does not sum the same database twice.
        builder.Services.AddDatabaseSizeMetric();
        // Registered before any feed: hosted services stop in reverse order, so feeds stop before the writer drains.
        builder.Services.AddTickWriter();
<<<<<<< HEAD
        // Kite's REST side (instrument master, history backfills, daily login) when Kite or the simulator is the broker.
        builder.AddKiteRest();
=======
        // The Api asks for subscription syncs (and more) through the Redis command stream.
        builder.Services.AddCommandConsumer();

        builder.Services.AddOptions<BrokerOptions>()
            .BindConfiguration(BrokerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var broker = builder.Configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>() ?? new BrokerOptions();
        if (broker.UsesKite)
        {
            builder.AddKiteFeed();
        }
    }

    /// <summary>The Kite ticker (real or simulated), its subscription sync, gap recording and live tick relay.</summary>
    private static void AddKiteFeed(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KiteOptions>()
            .BindConfiguration(KiteOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(options => options.ReconnectInitialDelay <= options.ReconnectMaxDelay,
                "Kite:ReconnectInitialDelay must not exceed Kite:ReconnectMaxDelay.")
            .Validate(options => options.TickerUrl.Scheme is "ws" or "wss", "Kite:TickerUrl must be a ws:// or wss:// URL.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KiteSession>();
        // A configured token seeds the session once; a login that already put one in force wins.
        services.AddHostedService(sp => new KiteSessionSeed(sp.GetRequiredService<KiteSession>(), sp.GetRequiredService<IOptions<KiteOptions>>()));
        services.AddLiveTickPublisher();
        services.AddSingleton<BrokerFeedMetrics>();
        services.AddSingleton<SubscriptionStore>();
        services.AddSingleton<KiteFeedServices>();

        // Order matters for shutdown (reverse of registration): the ticker stops first and queues the gaps of its
        // closing sockets, then the gap recorder writes them, and only then does the writer (registered above) drain.
        services.AddSingleton<FeedGapRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedGapRecorder>());
        services.AddSingleton<LiveTickRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveTickRelay>());
        services.AddSingleton<KiteTicker>();
        services.AddHostedService(sp => sp.GetRequiredService<KiteTicker>());
        services.AddSingleton<SubscriptionSync>();
        services.AddSingleton<ICommandHandler>(sp => sp.GetRequiredService<SubscriptionSync>());
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionSync>());

        services.AddHealthChecks().AddCheck<KiteTickerHealthCheck>("kite-ticker", tags: [HealthTags.Ready]);
>>>>>>> ticker
    }
}
