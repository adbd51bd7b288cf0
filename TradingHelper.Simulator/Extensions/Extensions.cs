using Microsoft.Extensions.DependencyInjection.Extensions;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Fyers;
using TradingHelper.Simulator.Market;
using TradingHelper.Simulator.Rest;
using TradingHelper.Simulator.Ticker;

namespace TradingHelper.Simulator.Extensions;

internal static class Extensions
{
    public static void AddSimulatorServices(this IHostApplicationBuilder builder)
    {
        // A bad rate or key fails the start, not the first connection.
        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Tests may swap the clock; expiries, timestamps and pacing all read it.
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton<MarketSimulator>();
        builder.Services.AddSingleton(services => services.GetRequiredService<MarketSimulator>().History);
        builder.Services.AddSingleton<InstrumentMaster>();
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<TickStatistics>();
        builder.Services.AddSingleton<TickerConnections>();
        builder.Services.AddSingleton<FyersSymbology>();
        builder.Services.AddSingleton<FyersAccessTokens>();
        builder.Services.AddSingleton<FyersStatistics>();
        builder.Services.AddSingleton<FyersHistoryMeter>();
        builder.Services.AddSingleton<FyersConnections>();

        // /health says the market is simulated, and in which session mode, so nobody takes it for NSE.
        builder.Services.AddHealthChecks().AddCheck<SessionHealthCheck>(MarketHealthChecks.Name, tags: [HealthTags.Ready]);

        // Errors outside Kite's own endpoints leave as RFC 7807 problem details.
        builder.Services.AddProblemDetails();
    }

    public static WebApplication MapSimulator(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapKiteTicker();
        app.MapKiteRestApi();
        app.MapFyers();
        app.MapSimulatorControl();
        return app;
    }
}
