using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// Kite Connect's REST API: the instrument dump, historical candles and the login's token exchange. Retries what Kite
/// says is transient (429, NetworkException, 5xx, a non-JSON body) with bounded backoff; a TokenException invalidates
/// the <see cref="KiteSession"/> and stops at once, so a dead token never turns into a retry storm.
/// </summary>
public sealed partial class KiteRestClient(
    HttpClient http,
    KiteSession session,
    IOptions<KiteOptions> options,
    IOptions<KiteRestOptions> restOptions,
    KiteHistoryLimiter limiter,
    KiteMetrics metrics,
    TimeProvider time,
    ILogger<KiteRestClient> logger)
{
    private const string JsonMediaType = "application/json";

    /// <summary>Downloads and parses today's instrument dump of every exchange.</summary>
    public Task<KiteInstrumentDump> GetInstrumentsAsync(CancellationToken cancellationToken) =>
        SendAsync(
            "instruments",
            // The dump is public on Kite; the token is sent when there is one, as the clients do.
            _ => Task.FromResult(session.AccessToken),
            token => Authorized(new HttpRequestMessage(HttpMethod.Get, "instruments"), token),
            ReadInstrumentsAsync,
            invalidateOnTokenError: true,
            cancellationToken);

    /// <summary>
    /// Candles of one instrument starting in [<paramref name="from"/>, <paramref name="to"/>), fetched in windows no
    /// longer than the interval allows, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<KiteCandle>> GetHistoryAsync(
        uint instrumentToken, KiteHistoryInterval interval, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var candles = new List<KiteCandle>();
        foreach (var (windowFrom, windowTo) in interval.Windows(from, to))
        {
            candles.AddRange(await GetHistoryWindowAsync(instrumentToken, interval, windowFrom, windowTo, cancellationToken));
        }
        return candles;
    }

    /// <summary>One request: candles starting in [<paramref name="from"/>, <paramref name="to"/>), a range within the interval's limit.</summary>
    public async Task<IReadOnlyList<KiteCandle>> GetHistoryWindowAsync(
        uint instrumentToken, KiteHistoryInterval interval, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(interval);
        if (to - from > TimeSpan.FromDays(interval.MaxDays))
        {
            throw new ArgumentOutOfRangeException(nameof(to), $"Kite serves at most {interval.MaxDays} days of {interval.Name} candles per request.");
        }
        if (to <= from)
        {
            return [];
        }
        // Kite's `to` is inclusive, so the last second before `to` keeps the candle starting at `to` out.
        var path = string.Create(CultureInfo.InvariantCulture,
            $"instruments/historical/{instrumentToken}/{interval.Name}?from={Uri.EscapeDataString(KiteHistory.FormatIst(from))}&to={Uri.EscapeDataString(KiteHistory.FormatIst(to.AddSeconds(-1)))}&oi=1");
        var candles = await SendAsync(
            "history",
            async ct =>
            {
                var token = await session.WaitForTokenAsync(ct);
                await limiter.WaitAsync(ct);
                return token;
            },
            token => Authorized(new HttpRequestMessage(HttpMethod.Get, path), token),
            ReadCandlesAsync,
            invalidateOnTokenError: true,
            cancellationToken);
        candles.RemoveAll(candle => candle.Start < from || candle.Start >= to);
        return candles;
    }

    /// <summary>Exchanges a login's single-use request token for an access token (checksum = SHA-256 of key, request token and secret).</summary>
    public Task<KiteSessionGrant> CreateSessionAsync(string requestToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(requestToken);
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.ApiKey) || string.IsNullOrEmpty(settings.ApiSecret))
        {
            throw new KiteApiException("Kite:ApiKey and Kite:ApiSecret must be configured for the Ingestor to complete a Kite login.");
        }
        var checksum = Checksum(settings.ApiKey, requestToken, settings.ApiSecret);
        return SendAsync(
            "session",
            _ => Task.FromResult<string?>(null),
            _ => new HttpRequestMessage(HttpMethod.Post, "session/token")
            {
                Content = new FormUrlEncodedContent(
                [
                    new("api_key", settings.ApiKey),
                    new("request_token", requestToken),
                    new("checksum", checksum),
                ]),
            },
            ReadGrantAsync,
            // A refused request token says nothing about the token in force.
            invalidateOnTokenError: false,
            cancellationToken);
    }

    /// <summary>Kite's login checksum: lowercase hex SHA-256 of api_key + request_token + api_secret.</summary>
    public static string Checksum(string apiKey, string requestToken, string apiSecret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey + requestToken + apiSecret)));

    private HttpRequestMessage Authorized(HttpRequestMessage request, string? accessToken)
    {
        if (accessToken is not null)
        {
            // Kite's scheme is the literal word "token"; the value is never logged (see RedactLoggedHeaders).
            request.Headers.Authorization = new AuthenticationHeaderValue("token", $"{options.Value.ApiKey}:{accessToken}");
        }
        return request;
    }

    private async Task<T> SendAsync<T>(
        string operation,
        Func<CancellationToken, Task<string?>> acquireToken,
        Func<string?, HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, Task<T>> readSuccess,
        bool invalidateOnTokenError,
        CancellationToken cancellationToken)
    {
        var settings = restOptions.Value;
        KiteApiException? lastFailure = null;
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            var accessToken = await acquireToken(cancellationToken);
            using var request = createRequest(accessToken);
            request.Headers.Add("X-Kite-Version", "3");
            TimeSpan? retryAfter = null;
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(settings.RequestTimeout);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attemptTimeout.Token);
                retryAfter = response.Headers.RetryAfter?.Delta;
                if (response.IsSuccessStatusCode)
                {
                    var result = await readSuccess(response, attemptTimeout.Token);
                    Count(operation, "ok");
                    return result;
                }
                var (errorType, message) = await ReadErrorAsync(response, attemptTimeout.Token);
                message = Scrub(message, accessToken);
                var status = (int)response.StatusCode;
                if (errorType == "TokenException" || (errorType is null && status is 401 or 403))
                {
                    Count(operation, "token_error");
                    if (invalidateOnTokenError && accessToken is not null && session.AccessToken == accessToken)
                    {
                        session.Invalidate($"Kite rejected the access token with TokenException ({message}); log in again at /api/brokers/kite/login");
                    }
                    LogTokenRejected(logger, operation, message);
                    throw new KiteTokenException($"Kite rejected the {(invalidateOnTokenError ? "access" : "request")} token with TokenException: {message} Not retried.", status);
                }
                if (errorType == "InputException" || (errorType is null && status == 400))
                {
                    Count(operation, "input_error");
                    throw new KiteInputException($"Kite refused the {operation} request with InputException: {message}", status);
                }
                var retryable = status == 429 || status >= 500 || errorType is null or "NetworkException" or "DataException" or "GeneralException";
                Count(operation, status == 429 ? "429" : "error");
                lastFailure = new KiteApiException($"Kite answered the {operation} request with HTTP {status} {errorType ?? "(no error_type)"}: {message}", errorType, status);
                if (!retryable)
                {
                    throw lastFailure;
                }
            }
            catch (HttpRequestException exception)
            {
                Count(operation, "error");
                lastFailure = new KiteApiException($"Kite could not be reached for the {operation} request: {exception.Message}", "NetworkException", null, exception);
            }
            catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                Count(operation, "error");
                lastFailure = new KiteApiException($"Kite did not answer the {operation} request within {settings.RequestTimeout.TotalSeconds:0.#} s.", "NetworkException", null, exception);
            }
            catch (Exception exception) when (exception is JsonException or FormatException or InvalidDataException)
            {
                // An HTML error page from the gateway or a truncated body: Kite's clients treat it as transient.
                Count(operation, "error");
                lastFailure = new KiteApiException($"Kite answered the {operation} request with a body that could not be read: {exception.Message}", "DataException", null, exception);
            }

            if (attempt < settings.MaxAttempts)
            {
                var delay = Backoff(attempt, retryAfter, settings);
                LogRetrying(logger, operation, attempt, settings.MaxAttempts, delay.TotalMilliseconds, lastFailure.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
        throw new KiteApiException($"Gave up on the Kite {operation} request after {settings.MaxAttempts} attempts. {lastFailure?.Message}",
            lastFailure?.ErrorType, lastFailure?.StatusCode, lastFailure);
    }

    private void Count(string operation, string status)
    {
        if (operation == "history")
        {
            metrics.HistoryRequest(status);
        }
    }

    private static TimeSpan Backoff(int attempt, TimeSpan? retryAfter, KiteRestOptions settings)
    {
        var exponential = settings.RetryInitialDelay * Math.Pow(2, attempt - 1);
        // Jitter keeps several Ingestors that were refused together from retrying together.
        var jittered = exponential * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var delay = retryAfter is { } hint && hint > jittered ? hint : jittered;
        return delay < settings.RetryMaxDelay ? delay : settings.RetryMaxDelay;
    }

    private string Scrub(string message, string? accessToken)
    {
        foreach (var secret in (ReadOnlySpan<string?>)[accessToken, options.Value.ApiSecret])
        {
            if (!string.IsNullOrEmpty(secret))
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }
        return message;
    }

    private static async Task<(string? ErrorType, string Message)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType == JsonMediaType || body.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                var errorType = root.TryGetProperty("error_type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
                var message = root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
                return (errorType, message ?? response.ReasonPhrase ?? "no message");
            }
            catch (JsonException)
            {
                // Falls through to the status code, as the Go client does.
            }
        }
        return (null, $"a non-JSON {response.Content.Headers.ContentType?.MediaType ?? "untyped"} body ({response.ReasonPhrase})");
    }

    private static async Task<KiteInstrumentDump> ReadInstrumentsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType == JsonMediaType)
        {
            throw new FormatException("Kite answered the instrument dump with JSON instead of CSV.");
        }
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        // The primary handler decompresses; a handler that does not (a test server) leaves the encoding header behind.
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        await using (stream)
        {
            return await KiteInstrumentMaster.ReadAsync(stream, cancellationToken);
        }
    }

    private static async Task<List<KiteCandle>> ReadCandlesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = await ReadJsonAsync(response, cancellationToken);
        return KiteHistory.ParseCandles(document.RootElement);
    }

    private async Task<KiteSessionGrant> ReadGrantAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var document = await ReadJsonAsync(response, cancellationToken);
        if (!document.RootElement.TryGetProperty("data", out var data)
            || !data.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } token)
        {
            throw new FormatException("The Kite session response has no data.access_token.");
        }
        var userId = data.TryGetProperty("user_id", out var user) ? user.GetString() : null;
        var loginTime = time.GetUtcNow();
        if (data.TryGetProperty("login_time", out var login) && login.GetString() is { } text
            && DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            loginTime = new DateTimeOffset(local, Core.Market.IndianMarket.IstOffset).ToUniversalTime();
        }
        return new KiteSessionGrant(token, userId, loginTime);
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType != JsonMediaType)
        {
            throw new FormatException($"Kite answered with {mediaType} where JSON was expected.");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite {Operation} request failed (attempt {Attempt} of {MaxAttempts}); retrying in {DelayMs:0} ms: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string operation, int attempt, int maxAttempts, double delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kite rejected the token on a {Operation} request: {Reason}. Not retried; log in again at /api/brokers/kite/login")]
    private static partial void LogTokenRejected(ILogger logger, string operation, string reason);
}
