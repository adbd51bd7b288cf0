using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Simulator;

namespace TradingHelper.Tests.Brokers.Kite;

/// <summary>A Kite REST client wired to an in-memory market simulator, with request counting, recorded logs and metrics.</summary>
public sealed class KiteHarness : IAsyncDisposable
{
    private readonly ServiceProvider _metricsServices;

    public KiteHarness(string? apiSecret = SimulatorFactory.ApiSecret, bool loggedIn = true)
    {
        Simulator = new SimulatorFactory();
        Requests = new CountingHandler();
        Logs = new RecordingLoggerProvider();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        _metricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        Options = Microsoft.Extensions.Options.Options.Create(new KiteOptions
        {
            ApiKey = SimulatorFactory.ApiKey,
            ApiSecret = apiSecret,
            HistoryRequestsPerSecond = 10,
        });
        RestOptions = Microsoft.Extensions.Options.Options.Create(new KiteRestOptions
        {
            MaxAttempts = 4,
            RetryInitialDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        });
        if (loggedIn)
        {
            Session.Update(SimulatorFactory.AccessToken, null);
        }
        Metrics = new KiteMetrics(_metricsServices.GetRequiredService<IMeterFactory>());
        Limiter = new KiteHistoryLimiter(Options);
        Http = Simulator.CreateDefaultClient(Requests);
        Client = new KiteRestClient(Http, Session, Options, RestOptions, Limiter, Metrics, TimeProvider.System, LoggerFactory.CreateLogger<KiteRestClient>());
    }

    public SimulatorFactory Simulator { get; }

    public CountingHandler Requests { get; }

    public RecordingLoggerProvider Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public KiteSession Session { get; } = new();

    public IOptions<KiteOptions> Options { get; }

    public IOptions<KiteRestOptions> RestOptions { get; }

    public IOptions<BrokerOptions> Broker { get; } = Microsoft.Extensions.Options.Options.Create(new BrokerOptions { Kind = "simulator" });

    public KiteMetrics Metrics { get; }

    public KiteHistoryLimiter Limiter { get; }

    public HttpClient Http { get; }

    public KiteRestClient Client { get; }

    public IServiceProvider MeterServices => _metricsServices;

    /// <summary>Arms a simulator fault (token-error, history-429, ...) for the next <paramref name="count"/> calls.</summary>
    public async Task FaultAsync(string kind, int count = 1)
    {
        using var control = Simulator.CreateClient();
        using var response = await control.PostAsJsonAsync("/_sim/faults", new { kind, count }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Limiter.DisposeAsync();
        LoggerFactory.Dispose();
        await _metricsServices.DisposeAsync();
        await Simulator.DisposeAsync();
    }
}
