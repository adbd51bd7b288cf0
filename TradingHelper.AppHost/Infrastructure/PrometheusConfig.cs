using System.Globalization;
using System.Text;

namespace TradingHelper.AppHost.Infrastructure;

/// <summary>Writes the local Prometheus's scrape configuration from the addresses the AppHost allocated this run.</summary>
internal static class PrometheusConfig
{
    public static async Task WriteAsync(string path, IEnumerable<IResourceBuilder<ProjectResource>> scraped, CancellationToken cancellationToken)
    {
        var config = new StringBuilder("""
            # Written by TradingHelper.AppHost on every start; edits are lost. The job names match the dashboards.
            global:
              scrape_interval: 5s
              evaluation_interval: 15s

            scrape_configs:

            """);
        foreach (var service in scraped)
        {
            var target = await service.GetEndpoint("http").Property(EndpointProperty.HostAndPort)
                .GetValueAsync(cancellationToken).ConfigureAwait(false);
            config.Append(CultureInfo.InvariantCulture, $"""
                  - job_name: {service.Resource.Name}
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["{target}"]

                """);
        }
        await File.WriteAllTextAsync(path, config.ToString(), cancellationToken).ConfigureAwait(false);
    }
}
