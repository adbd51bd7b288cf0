using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Simulator;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteRestClientWiringTests
{
    private const uint Infy = 408065;

    [Fact]
    public async Task The_registered_client_is_retried_only_by_itself_and_its_logs_carry_no_token()
    {
        await using var simulator = new SimulatorFactory();
        var logs = new RecordingLoggerProvider();
        var requests = new CountingHandler();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddMetrics();
        // What ServiceDefaults gives every HttpClient.
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        services.AddOptions<KiteOptions>().Configure(kite =>
        {
            kite.ApiKey = SimulatorFactory.ApiKey;
            kite.ApiSecret = SimulatorFactory.ApiSecret;
            kite.ApiBaseUrl = new Uri("http://localhost");
            kite.HistoryRequestsPerSecond = 10;
        });
        services.AddOptions<KiteRestOptions>().Configure(rest => rest.MaxAttempts = 1);
        services.AddKiteRestClient()
            .ConfigurePrimaryHttpMessageHandler(() => simulator.Server.CreateHandler())
            .AddHttpMessageHandler(() => requests);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<KiteSession>().Update(SimulatorFactory.AccessToken, null);
        var client = provider.GetRequiredService<KiteRestClient>();
        var ct = TestContext.Current.CancellationToken;
        using (var control = simulator.CreateClient())
        {
            (await control.PostAsJsonAsync("/_sim/faults", new { kind = "history-429", count = 1 }, ct)).EnsureSuccessStatusCode();
        }
        var from = KiteRestClientTests.PastMonday().AddHours(9).AddMinutes(15);

        var error = await Assert.ThrowsAsync<KiteApiException>(() => client.GetHistoryAsync(Infy, KiteHistoryInterval.Minute, from, from.AddMinutes(5), ct));
        var candles = await client.GetHistoryAsync(Infy, KiteHistoryInterval.Minute, from, from.AddMinutes(5), ct);

        // With the standard resilience handler still in place, its own retry would have hidden the 429.
        Assert.Equal(429, error.StatusCode);
        Assert.Equal(2, requests.Count);
        Assert.Equal(5, candles.Count);
        Assert.Contains(logs.Lines, line => line.Contains("Authorization", StringComparison.Ordinal));
        Assert.DoesNotContain(SimulatorFactory.AccessToken, logs.AllText, StringComparison.Ordinal);
    }
}
