using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using StackExchange.Redis;
using TradingHelper.Api.Brokers;
using TradingHelper.Api.Gaps;
using TradingHelper.Api.Historical;
using TradingHelper.Api.Instruments;
using TradingHelper.Api.Market;
using TradingHelper.Api.OpenApi;
using TradingHelper.Api.OptionChain;
using TradingHelper.Api.Quotes;
using TradingHelper.Api.Security;
using TradingHelper.Api.Streaming;
using TradingHelper.Api.Subscriptions;
using TradingHelper.Api.Validation;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Storage;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The Api reads instruments, candles and jobs from the database and talks to the Ingestor through Redis.
        builder.AddTradingDatabase();
        builder.AddTradingRedis();
        builder.Services.AddTradingStorage();
        builder.Services.AddCommandPublisher();

        // Every error leaves as RFC 7807 problem details; request records are checked by their DataAnnotations.
        builder.Services.AddProblemDetails();

        builder.Services.AddValidation();
        // Binding failures throw so that BindingFailureHandler can name the field; the default is a bare 400 outside Development.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BindingFailureHandler>();

        // The stores behind the read routes and the subscription and backfill commands.
        builder.Services.AddSingleton<InstrumentStore>();
        builder.Services.AddSingleton<SubscriptionStore>();
        builder.Services.AddSingleton<BackfillJobs>();
        builder.Services.AddSingleton<BackfillScheduler>();
        builder.Services.AddSingleton<FeedGapStore>();
        builder.Services.AddSingleton<DayQuoteStore>();
        builder.Services.AddOptions<SubscriptionOptions>()
            .BindConfiguration(SubscriptionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<HistoricalOptions>()
            .BindConfiguration(HistoricalOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<QuoteOptions>()
            .BindConfiguration(QuoteOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The option chain reads stored ticks for a past minute and the Redis quotes hash live.
        builder.Services.AddSingleton<OptionChainStore>();
        builder.Services.AddSingleton<LiveChainQuotes>();
        builder.Services.AddOptions<OptionChainOptions>()
            .BindConfiguration(OptionChainOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.AddApiSecurity();
        builder.AddLiveTickStreaming();

        // Whether prices are NSE's or the simulator's, for /health, /api/market and the chart's badge.
        builder.Services.AddOptions<MarketOptions>()
            .BindConfiguration(MarketOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var broker = builder.Configuration.GetSection(MarketOptions.SectionName).Get<MarketOptions>() ?? new MarketOptions();
        builder.Services.AddHealthChecks().AddMarketCheck(broker.Kind);

        // The daily Kite and Fyers logins: redirect, callback and session status; the Ingestor holds the secrets.
        builder.AddKiteLogin();
        builder.AddFyersLogin();

        // The OpenAPI document feeds the /docs page and clients generated from it.
        builder.Services.AddOpenApi(openApi =>
        {
            openApi.AddDocumentTransformer<ApiKeySecurityTransformer>();
            openApi.AddOperationTransformer<ApiKeySecurityTransformer>();
        });
    }

    /// <summary>The middleware every request passes, outermost first.</summary>
    public static WebApplication UseApiPipeline(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = StatusCodeOf });
        app.UseStatusCodePages();
        app.UseCors();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        app.UseRateLimiter();
        // The /chart page's scripts and its bundled chart library (wwwroot/lib, copied from ClientApp at build time).
        app.UseStaticFiles();
        var webSockets = app.Services.GetRequiredService<IOptions<TickStreamOptions>>().Value;
        app.UseWebSockets(new WebSocketOptions
        {
            KeepAliveInterval = webSockets.KeepAliveInterval,
            KeepAliveTimeout = webSockets.KeepAliveTimeout,
        });
        return app;
    }

    /// <summary>Maps the OpenAPI document at <c>/openapi/v1.json</c> and its interactive reference at <c>/docs</c>.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        // Scalar serves its bundled script from the package; fonts, telemetry and the AI features would reach out to its CDN.
        app.MapScalarApiReference("/docs", scalar => scalar
            .WithTitle("TradingHelper API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
        return app;
    }

    private static void AddApiSecurity(this IHostApplicationBuilder builder)
    {
        var production = builder.Environment.IsProduction();
        builder.Services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(api => !production || !string.IsNullOrEmpty(api.ApiKey), "Api:ApiKey must be set in Production.")
            .Validate(
                api => string.IsNullOrEmpty(api.ApiKey) || api.ApiKey.Length >= ApiOptions.MinApiKeyLength,
                $"Api:ApiKey must be at least {ApiOptions.MinApiKeyLength} characters.")
            .ValidateOnStart();
        builder.Services.AddOptions<ApiCorsOptions>()
            .BindConfiguration(ApiCorsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Only the configured origins may call from a browser; with none configured, no cross-origin call is allowed.
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<ApiCorsOptions>>((cors, origins) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(origins.Value.AllowedOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete)
                .WithHeaders("Content-Type", ApiKeyRequirement.HeaderName)));

        builder.Services.AddMutationRateLimiter();
    }

    private static void AddLiveTickStreaming(this IHostApplicationBuilder builder)
    {
        builder.Services.AddLiveTickOptions();
        builder.Services.AddOptions<TickStreamOptions>()
            .BindConfiguration(TickStreamOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<TickStreamMetrics>();
        // One Redis subscription per Api instance, shared by every connected client.
        builder.Services.AddSingleton<TickFanout>();
        builder.Services.AddHostedService(services => services.GetRequiredService<TickFanout>());
    }

    private static int StatusCodeOf(Exception exception) => exception switch
    {
        BadHttpRequestException badRequest => badRequest.StatusCode,
        RedisConnectionException or RedisTimeoutException => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}
