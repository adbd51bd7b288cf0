using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Fyers' <c>POST /api/v3/validate-authcode</c>: a login's auth code for the day's access token.</summary>
public sealed class FyersLoginClient(IHttpClientFactory httpClients, IOptions<FyersOptions> options)
{
    /// <summary>The named HTTP client this uses.</summary>
    public const string HttpClientName = nameof(FyersLoginClient);

    /// <summary>Exchanges <paramref name="authCode"/> for <c>APP_ID:JWT</c>; throws <see cref="FyersApiException"/> when Fyers refuses.</summary>
    public async Task<string> ValidateAuthCodeAsync(string authCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(authCode);
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.AppId) || string.IsNullOrEmpty(settings.SecretKey))
        {
            throw new FyersApiException(new FyersApiError(null,
                "Fyers:AppId and Fyers:SecretKey must be configured for the Ingestor to complete a Fyers login.", 0, FyersApiErrorKind.PermissionDenied));
        }
        using var http = httpClients.CreateClient(HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.RequestTimeout);
        using var response = await http.PostAsJsonAsync(new Uri(settings.ApiBaseUrl, "api/v3/validate-authcode"),
            new FyersAuthCodeRequest("authorization_code", AppIdHash(settings.AppId, settings.SecretKey), authCode), IngestorJsonContext.Default.FyersAuthCodeRequest, timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var status = (int)response.StatusCode;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (response.IsSuccessStatusCode && root.TryGetProperty("s", out var s) && s.GetString() == "ok"
                && root.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } jwt)
            {
                return $"{settings.AppId}:{jwt}";
            }
            int? code = root.TryGetProperty("code", out var codeElement) && codeElement.TryGetInt32(out var value) ? value : null;
            var message = root.TryGetProperty("message", out var messageElement) ? messageElement.GetString() ?? "" : "";
            throw new FyersApiException(new FyersApiError(code, message, status, FyersApiError.Classify(code, status)));
        }
        catch (JsonException)
        {
            throw new FyersApiException(new FyersApiError(null, $"validate-authcode answered HTTP {status} with a body that is not JSON", status,
                FyersApiError.Classify(null, status)));
        }
    }

    /// <summary>Fyers' <c>appIdHash</c>: lowercase hex SHA-256 of <c>APP_ID:SECRET</c>.</summary>
    public static string AppIdHash(string appId, string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{appId}:{secret}")));
}
