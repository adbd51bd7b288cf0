using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TradingHelper.AppHost.Services;

/// <summary>
/// Reads a service's <c>/health</c> report and hands the dashboard its verdict with the reasons (which dependency
/// failed and why), where a plain HTTP probe would say only "503".
/// </summary>
internal sealed class ServiceHealthCheck(EndpointReference endpoint, IHttpClientFactory httpClients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = httpClients.CreateClient(nameof(ServiceHealthCheck));
            client.Timeout = TimeSpan.FromSeconds(10);
            using var response = await client.GetAsync(new Uri($"{endpoint.Url}/health"), cancellationToken).ConfigureAwait(false);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var report = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var status = Enum.Parse<HealthStatus>(report.RootElement.GetProperty("status").GetString() ?? nameof(HealthStatus.Unhealthy));
            var reasons = Reasons(report.RootElement);
            return new HealthCheckResult(status, reasons.Length > 0 ? reasons : null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or ArgumentException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{endpoint.Url}/health did not answer with a report: {e.Message}", e);
        }
    }

    private static string Reasons(JsonElement report)
    {
        var reasons = new StringBuilder();
        foreach (var check in report.GetProperty("checks").EnumerateObject())
        {
            var status = check.Value.GetProperty("status").GetString();
            if (status == nameof(HealthStatus.Healthy))
            {
                continue;
            }
            var why = check.Value.TryGetProperty("description", out var description) ? description.GetString()
                : check.Value.TryGetProperty("error", out var error) ? error.GetString()
                : null;
            reasons.Append(reasons.Length > 0 ? "; " : "").Append(check.Name).Append(": ").Append(status);
            if (why is { Length: > 0 })
            {
                reasons.Append(" (").Append(why).Append(')');
            }
        }
        return reasons.ToString();
    }
}
