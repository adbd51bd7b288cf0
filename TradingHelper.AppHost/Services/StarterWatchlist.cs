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
    // Each search with the fewest instruments it must find: NIFTY 50 and NIFTY BANK, then each one's futures.
    private static readonly (string Search, int AtLeast)[] Searches =
    [
        ("/api/instruments?type=INDEX&symbol=NIFTY", 2),
        ("/api/instruments?underlying=NIFTY&type=FUT", 1),
        ("/api/instruments?underlying=BANKNIFTY&type=FUT", 1),
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

    /// <summary>
    /// The watchlist's tokens once every search finds what it must; the master arrives in pieces on a first start, and a
    /// watchlist taken half-way would stay half a watchlist. At the deadline, whatever there is.
    /// </summary>
    private static async Task<List<int>> FindTokensAsync(HttpClient api, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(InstrumentWait);
        var tokens = new List<int>();
        try
        {
            while (true)
            {
                var found = new List<int>();
                var complete = true;
                foreach (var (search, atLeast) in Searches)
                {
                    using var page = JsonDocument.Parse(await api.GetStringAsync(new Uri(search, UriKind.Relative), deadline.Token).ConfigureAwait(false));
                    var items = page.RootElement.GetProperty("items");
                    complete &= items.GetArrayLength() >= atLeast;
                    found.AddRange(items.EnumerateArray().Select(instrument => instrument.GetProperty("token").GetInt32()));
                }
                tokens = found;
                if (complete)
                {
                    return tokens;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return tokens;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed a starter watchlist of {Count} instruments (NIFTY 50, NIFTY BANK and their futures)")]
    private partial void LogSubscribed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No instruments arrived to subscribe a starter watchlist; find and subscribe some at {Api}/docs")]
    private partial void LogNoInstruments(string api);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The starter watchlist could not be subscribed")]
    private partial void LogFailed(Exception exception);
}
