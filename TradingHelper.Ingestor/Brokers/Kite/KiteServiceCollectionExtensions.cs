using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Backfill;
using TradingHelper.Ingestor.Instruments;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Registers Kite's REST side: the client, instrument sync, backfills, the daily login and the session's lifetime.</summary>
public static class KiteServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddKiteRest(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BrokerOptions>().BindConfiguration(BrokerOptions.SectionName).ValidateWith<BrokerOptions, BrokerOptions.Validator>().ValidateOnStart();
        var kind = builder.Configuration[$"{BrokerOptions.SectionName}:{nameof(BrokerOptions.Kind)}"] ?? new BrokerOptions().Kind;
        if (!new BrokerOptions { Kind = kind }.UsesKite)
        {
            return builder;
        }

        services.AddOptions<KiteOptions>()
            .BindConfiguration(KiteOptions.SectionName)
            .ValidateWith<KiteOptions, KiteOptions.Validator>()
            .Validate(
                kite => kind != "kite" || (!string.IsNullOrEmpty(kite.ApiKey) && !string.IsNullOrEmpty(kite.ApiSecret)),
                "Kite:ApiKey and Kite:ApiSecret are required when Broker:Kind is kite.")
            .ValidateOnStart();
        if (kind == "simulator")
        {
            // The simulator's well-known credentials, so a local run needs no Kite section.
            services.PostConfigure<KiteOptions>(kite =>
            {
                if (kite.ApiBaseUrl == new KiteOptions().ApiBaseUrl)
                {
                    // Never send the simulator's credentials to the real Kite.
                    kite.ApiBaseUrl = new Uri("http://127.0.0.1:5090");
                }
                kite.ApiKey ??= "sim_api_key";
                kite.ApiSecret ??= "sim_api_secret";
                kite.AccessToken ??= "sim_access_token";
            });
        }
        services.AddOptions<KiteRestOptions>().BindConfiguration(KiteOptions.SectionName).ValidateWith<KiteRestOptions, KiteRestOptions.Validator>().ValidateOnStart();
        services.AddKiteRestClient();

        services.AddSingleton<KiteSessionStore>();
        services.AddHostedService<KiteSessionKeeper>();

        services.AddSingleton<KiteInstrumentStore>();
        services.AddSingleton<InstrumentSync>();
        services.AddSingleton<IInstrumentMasterSync>(sp => sp.GetRequiredService<InstrumentSync>());
        services.AddSingleton<InstrumentSyncJobs>();
        services.AddHostedService<DailyInstrumentSync>();

        services.AddBackfill<KiteHistorySource>();

        services.AddSingleton<ICommandHandler, SyncInstrumentsHandler>();
        services.AddSingleton<ICommandHandler, KiteLoginHandler>();
        services.AddCommandConsumer();
        return builder;
    }

    /// <summary>The typed Kite REST client with its shared limiter, metrics and session; options are bound by the caller.</summary>
    public static IHttpClientBuilder AddKiteRestClient(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KiteSession>();
        services.AddSingleton<KiteHistoryLimiter>();
        services.AddSingleton<KiteMetrics>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out.
        return services.AddHttpClient<KiteRestClient>((provider, http) =>
            {
                var apiBase = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<KiteOptions>>().Value.ApiBaseUrl.ToString();
                http.BaseAddress = new Uri(apiBase.EndsWith('/') ? apiBase : apiBase + "/");
                // Each attempt has its own timeout (Kite:RequestTimeout) inside the client's retry loop.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The client's users are singletons that keep it; pooled-connection lifetime, not handler rotation, follows DNS.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                PooledConnectionLifetime = TimeSpan.FromMinutes(15),
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders([HeaderNames.Authorization])
            // The standard handler from ServiceDefaults would retry 429/5xx on top of the client's own loop (3 × 5 attempts,
            // outside the history limiter) and cannot see Kite's error_type in the body, so the client alone retries.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }
}
