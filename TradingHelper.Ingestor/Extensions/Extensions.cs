using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Storage;
using TradingHelper.Core.Streaming;
using TradingHelper.Ingestor.Backfill;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Instruments;
using TradingHelper.Ingestor.Leases;
using TradingHelper.Ingestor.Subscriptions;
using TradingHelper.Core.Configuration;

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
        // The Api asks for subscription syncs, instrument syncs, backfills and logins through the Redis command stream.
        builder.Services.AddCommandConsumer();
        // Kite's REST side (instrument master, history backfills, daily login) when Kite or the simulator is the broker.
        builder.AddKiteRest();

        // Gap backfills and the market status read the session calendar of the market the broker feeds.
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<BrokerOptions>>().Value.ResolveMarketHours());

        var broker = builder.Configuration.GetSection(BrokerOptions.SectionName).Get<BrokerOptions>() ?? new BrokerOptions();
        // /health says whether the prices are NSE's or the simulator's, so simulated prices never pass for an open market.
        builder.Services.AddHealthChecks().AddMarketCheck(broker.Kind);
        if (broker.UsesKite)
        {
            builder.AddKiteFeed();
        }
        else if (broker.Kind == "fyers")
        {
            builder.AddFyersFeed();
        }
    }

    /// <summary>The Kite ticker (real or simulated), its subscription sync, gap recording and live tick relay.</summary>
    /// <remarks><see cref="KiteServiceCollectionExtensions.AddKiteRest"/> binds the Kite options and owns the session.</remarks>
    private static void AddKiteFeed(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<KiteOptions>()
            .Validate(options => options.ReconnectInitialDelay <= options.ReconnectMaxDelay,
                "Kite:ReconnectInitialDelay must not exceed Kite:ReconnectMaxDelay.")
            .Validate(options => options.TickerUrl.Scheme is "ws" or "wss", "Kite:TickerUrl must be a ws:// or wss:// URL.")
            .ValidateOnStart();
        services.AddSingleton<KiteFeedServices>();
        services.AddFeed<KiteTicker, KiteTickerHealthCheck>();
        services.AddHealthChecks().AddCheck<KiteTickerHealthCheck>("kite-ticker", tags: [HealthTags.Ready]);
    }

    /// <summary>The Fyers data socket, its subscription sync, gap recording and live tick relay.</summary>
    /// <remarks>The symbol-master sync maps instruments to Fyers symbols; backfills (commands and feed gaps) fetch Fyers minute history.</remarks>
    private static void AddFyersFeed(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<FyersOptions>()
            .BindConfiguration(FyersOptions.SectionName)
            .ValidateWith<FyersOptions, FyersOptions.Validator>()
            .Validate(options => options.ReconnectInitialDelay <= options.ReconnectMaxDelay,
                "Fyers:ReconnectInitialDelay must not exceed Fyers:ReconnectMaxDelay.")
            .Validate(options => options.DataSocketUrl.Scheme is "ws" or "wss", "Fyers:DataSocketUrl must be a ws:// or wss:// URL.")
            .ValidateOnStart();
        // The daily login: the Api hands over the auth code; the token is kept encrypted in Redis until its JWT expires.
        services.AddSingleton<FyersSession>();
        services.AddSingleton<FyersSessionStore>();
        services.AddHostedService<FyersSessionKeeper>();
        services.AddHttpClient(FyersLoginClient.HttpClientName);
        services.AddSingleton<FyersLoginClient>();
        services.AddSingleton<ICommandHandler, FyersLoginHandler>();
        services.AddSingleton<FyersInstrumentStore>();
        services.AddHttpClient(nameof(FyersSymbolMasterSync));
        services.AddSingleton<FyersSymbolMasterSync>();
        services.AddHostedService(sp => sp.GetRequiredService<FyersSymbolMasterSync>());
        // POST /api/instruments/sync reaches the Fyers symbol master as it reaches Kite's dump.
        services.AddSingleton<IInstrumentMasterSync>(sp => sp.GetRequiredService<FyersSymbolMasterSync>());
        services.AddSingleton<InstrumentSyncJobs>();
        services.AddSingleton<ICommandHandler, SyncInstrumentsHandler>();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out.
        // The standard handler would retry a 429 at once and outside the limiter; the client retries it after a delay, through it.
        services.AddHttpClient(FyersHistoryClient.HttpClientName).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        // Fyers' REST limits are counted in Redis, so every Ingestor under the key and every restart share one budget.
        services.AddSingleton<FyersHistoryMetrics>();
        services.AddSingleton<FyersHistoryLimiter>();
        services.AddHealthChecks().AddCheck<FyersHistoryHealthCheck>("fyers-history", tags: [HealthTags.Ready]);
        services.AddSingleton<FyersHistoryClient>();
        services.AddBackfill<FyersHistorySource>();
        services.AddFeed<FyersFeed, FyersFeedHealthCheck>();
        services.AddHealthChecks().AddCheck<FyersFeedHealthCheck>("fyers-feed", tags: [HealthTags.Ready]);
    }

    /// <summary>What every broker feed needs, registered around the feed itself in the order shutdown depends on.</summary>
    /// <typeparam name="TCondition">The feed's health check, one instance shared by <c>/health</c> and the feed report.</typeparam>
    private static void AddFeed<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFeed,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TCondition>(this IServiceCollection services)
        where TFeed : class, IHostedService, ISubscribedFeed
        where TCondition : class, IFeedCondition
    {
        services.AddLiveTickPublisher();
        services.AddSingleton<BrokerFeedMetrics>();
        services.AddSingleton<SubscriptionStore>();

        // Several Ingestors may share the database: each streams the instruments it holds leases on. Registered before
        // the feed, so at shutdown the leases are released only once the feed has stopped streaming.
        services.AddOptions<IngestorOptions>()
            .BindConfiguration(IngestorOptions.SectionName)
            .ValidateWith<IngestorOptions, IngestorOptions.Validator>()
            .ValidateOnStart();
        services.AddOptions<LeaseOptions>()
            .BindConfiguration(LeaseOptions.SectionName)
            .ValidateWith<LeaseOptions, LeaseOptions.Validator>()
            .Validate(options => options.RenewInterval * 2 <= options.Duration,
                "Leases:Duration must be at least twice Leases:RenewInterval, so one missed renewal does not lose the leases.")
            .ValidateOnStart();
        services.AddSingleton<InstrumentLeases>();
        services.AddHostedService(sp => sp.GetRequiredService<InstrumentLeases>());

        // Order matters for shutdown (reverse of registration): the feed stops first and queues the gaps of its
        // closing sockets, then the gap recorder writes them, and only then does the writer (registered earlier) drain.
        services.AddSingleton<FeedGapRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedGapRecorder>());
        services.AddSingleton<LiveTickRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveTickRelay>());
        services.AddSingleton<TFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<TFeed>());
        services.AddSingleton<ISubscribedFeed>(sp => sp.GetRequiredService<TFeed>());
        services.AddSingleton<SubscriptionSync>();
        services.AddSingleton<ICommandHandler>(sp => sp.GetRequiredService<SubscriptionSync>());
        services.AddHostedService(sp => sp.GetRequiredService<SubscriptionSync>());

        // The Api tells the chart why prices stand still (market closed, broker disconnected, login needed) from this report.
        services.AddSingleton<TCondition>();
        services.AddSingleton<IFeedCondition>(sp => sp.GetRequiredService<TCondition>());
        services.AddOptions<FeedReportOptions>()
            .BindConfiguration(FeedReportOptions.SectionName)
            .ValidateWith<FeedReportOptions, FeedReportOptions.Validator>()
            .ValidateOnStart();
        services.AddHostedService<FeedReporter>();
    }
}
