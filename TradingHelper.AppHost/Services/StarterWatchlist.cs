using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TradingHelper.AppHost.Services;

/// <summary>
/// On a run with nothing subscribed, subscribes NIFTY 50, NIFTY BANK and their futures through the Api, as a user
/// would, so the chart has something to show from the first minute. <c>Watchlist:Starter=false</c> turns it off.
/// </summary>
internal sealed partial class StarterWatchlist(
    LocalRun run, ResourceNotificationService notifications, IConfiguration configuration, ILogger<StarterWatchlist> logger) : BackgroundService
{
    private static readonly string[] Searches =
    [
        "/api/instruments?type=INDEX&symbol=NIFTY",
        "/api/instruments?underlying=NIFTY&type=FUT",
        "/api/instruments?underlying=BANKNIFTY&type=FUT",
    ];

    // The Ingestor downloads the instrument master at its first start; on a new machine that takes a few seconds.
    private static readonly TimeSpan InstrumentWait = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Watchlist:Starter", defaultValue: true))
        {
            return;
        }
        try
        {
            await notifications.WaitForResourceHealthyAsync("api", stoppingToken).ConfigureAwait(false);
            using var api = new HttpClient { BaseAddress = new Uri(run.Api.Url) };
            using var subscriptions = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/subscriptions", UriKind.Relative), stoppingToken).ConfigureAwait(false));
            if (subscriptions.RootElement.GetProperty("count").GetInt32() > 0)
            {
                return;
            }

            var tokens = await FindTokensAsync(api, stoppingToken).ConfigureAwait(false);
            if (tokens.Count == 0)
            {
                LogNoInstruments(run.Api.Url);
                return;
            }
            using var subscribe = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/instruments/subscribe", UriKind.Relative))
            {
                Content = JsonContent.Create(new { tokens, mode = "full" }),
            };
            subscribe.Headers.Add("X-Api-Key", await run.ApiKey.GetValueAsync(stoppingToken).ConfigureAwait(false));
            using var response = await api.SendAsync(subscribe, stoppingToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            LogSubscribed(tokens.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException)
        {
            LogFailed(e);
        }
    }

    private static async Task<List<int>> FindTokensAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(InstrumentWait);
        var tokens = new List<int>();
        try
        {
            while (tokens.Count == 0)
            {
                foreach (var search in Searches)
                {
                    using var page = JsonDocument.Parse(await api.GetStringAsync(new Uri(search, UriKind.Relative), deadline.Token).ConfigureAwait(false));
                    foreach (var instrument in page.RootElement.GetProperty("items").EnumerateArray())
                    {
                        tokens.Add(instrument.GetProperty("token").GetInt32());
                    }
                }
                if (tokens.Count == 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        return tokens;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed a starter watchlist of {Count} instruments (NIFTY 50, NIFTY BANK and their futures)")]
    private partial void LogSubscribed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No instruments arrived to subscribe a starter watchlist; find and subscribe some at {Api}/docs")]
    private partial void LogNoInstruments(string api);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The starter watchlist could not be subscribed")]
    private partial void LogFailed(Exception exception);
}
