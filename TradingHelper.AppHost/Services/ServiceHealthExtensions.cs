using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TradingHelper.AppHost.Services;

internal static class ServiceHealthExtensions
{
    /// <summary>The resource is healthy when its own <c>/health</c> says so; its reasons show on the resource.</summary>
    public static IResourceBuilder<ProjectResource> WithServiceHealthCheck(this IResourceBuilder<ProjectResource> service)
    {
        var key = $"{service.Resource.Name}-health";
        var endpoint = service.GetEndpoint("http");
        service.ApplicationBuilder.Services.AddHttpClient();
        service.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            key,
            sp => new ServiceHealthCheck(endpoint, sp.GetRequiredService<IHttpClientFactory>()),
            HealthStatus.Unhealthy,
            tags: null));
        return service.WithHealthCheck(key);
    }
}
