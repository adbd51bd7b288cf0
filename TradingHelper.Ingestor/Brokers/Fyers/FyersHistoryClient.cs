using System.Globalization;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Fyers' <c>GET /data/history</c>: candles of one symbol over a range, split into requests the endpoint allows.</summary>
/// <remarks>
/// Every request holds a slot of the <see cref="FyersHistoryLimiter"/> until its answer is read. A 429 (another tool spending the
/// key's budget) is retried after <see cref="FyersOptions.HistoryRetryDelay"/> through the limiter again, up to
/// <see cref="FyersOptions.HistoryMaxAttempts"/> attempts; nothing else retries, so no attempt bypasses the limiter.
/// </remarks>
public sealed class FyersHistoryClient(
    IHttpClientFactory httpClients, IOptionsMonitor<FyersOptions> options, FyersSession session, FyersHistoryLimiter limiter, FyersHistoryMetrics metrics,
    TimeProvider time)
{
    /// <summary>The named HTTP client this uses.</summary>
    public const string HttpClientName = nameof(FyersHistoryClient);

    /// <summary>Candles of <paramref name="fyersSymbol"/> (e.g. <c>NSE:SBIN-EQ</c>) at <paramref name="resolution"/> (<c>1</c>…<c>240</c>, <c>D</c>) starting in [from, to]; throws <see cref="FyersApiException"/> on a Fyers error.</summary>
    public async Task<IReadOnlyList<FyersCandle>> GetHistoryAsync(
        string fyersSymbol, string resolution, DateTimeOffset from, DateTimeOffset to, bool withOpenInterest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fyersSymbol);
        if (!FyersHistoryRange.IsValid(resolution))
        {
            throw new ArgumentException($"'{resolution}' is not a Fyers history resolution.", nameof(resolution));
        }
        var settings = options.CurrentValue;
        var authorization = Authorization(settings);
        using var http = httpClients.CreateClient(HttpClientName);
        // Chunks share their seams, so a seam candle may come twice: keep one per start.
        var candles = new SortedDictionary<DateTimeOffset, FyersCandle>();
        foreach (var chunk in FyersHistoryRange.Split(from, to, resolution))
        {
            var query = string.Create(CultureInfo.InvariantCulture,
                $"data/history?symbol={Uri.EscapeDataString(fyersSymbol)}&resolution={resolution}&date_format=0&range_from={chunk.FromSeconds}&range_to={chunk.ToSeconds}&cont_flag=1{(withOpenInterest ? "&oi_flag=1" : "")}");
            var parsed = await FetchAsync(http, settings, authorization, query, cancellationToken);
            if (parsed.Error is { } error)
            {
                throw new FyersApiException(error);
            }
            foreach (var candle in parsed.Candles)
            {
                if (candle.Start >= from && candle.Start <= to)
                {
                    candles[candle.Start] = candle;
                }
            }
        }
        return [.. candles.Values];
    }

    private async Task<FyersHistoryResponse> FetchAsync(HttpClient http, FyersOptions settings, string authorization, string query, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            FyersHistoryResponse parsed;
            // Held until the answer is read: the slot is freed by the answer's arrival, which bounds the request's.
            await using (await limiter.AcquireAsync(cancellationToken))
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.ApiBaseUrl, query));
                // "APP_ID:JWT" without a scheme, as Fyers wants it.
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                // The SDKs set no timeout and a history call has hung for hours; every attempt is bounded here.
                timeout.CancelAfter(settings.RequestTimeout);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                parsed = await FyersHistoryResponse.ReadAsync(body, (int)response.StatusCode, timeout.Token);
            }
            if (parsed.Error is not { Kind: FyersApiErrorKind.RateLimited } || attempt >= settings.HistoryMaxAttempts)
            {
                return parsed;
            }
            metrics.Retried();
            await Task.Delay(settings.HistoryRetryDelay, time, cancellationToken);
        }
    }

    private string Authorization(FyersOptions settings)
    {
        if (session.AccessToken is not { } accessToken || string.IsNullOrWhiteSpace(accessToken))
        {
            throw new FyersApiException(new FyersApiError(null, $"No Fyers access token: log in at {FyersSession.LoginPath}", 0, FyersApiErrorKind.Authentication));
        }
        FyersAccessToken token;
        try
        {
            token = FyersAccessToken.Parse(accessToken, time);
        }
        catch (FyersAccessTokenException exception)
        {
            throw new FyersApiException(new FyersApiError(null, exception.Message, 0, FyersApiErrorKind.Authentication));
        }
        var appId = accessToken.Contains(':', StringComparison.Ordinal)
            ? accessToken[..accessToken.LastIndexOf(':')].Trim()
            : settings.AppId;
        return string.IsNullOrEmpty(appId)
            ? throw new FyersApiException(new FyersApiError(null, "Fyers:AppId is not set and Fyers:AccessToken has no APP_ID: prefix", 0, FyersApiErrorKind.Authentication))
            : $"{appId}:{token.Jwt}";
    }
}
