using System.Globalization;
using System.Text;

namespace TradingHelper.AppHost.Infrastructure;

/// <summary>
/// Writes Prometheus's scrape configuration for this run. Every Ingestor is a target of the one job
/// <c>ingestor</c>, which the dashboards query, labelled with its resource name.
/// </summary>
internal static class PrometheusConfig
{
    /// <summary>The addresses the AppHost allocated this run, known once the resources are about to start.</summary>
    public static async Task WriteAsync(string path, IEnumerable<IResourceBuilder<ProjectResource>> scraped, CancellationToken cancellationToken)
    {
        var targets = new List<(string Resource, string Address)>();
        foreach (var service in scraped)
        {
            var address = await service.GetEndpoint("http").Property(EndpointProperty.HostAndPort)
                .GetValueAsync(cancellationToken).ConfigureAwait(false);
            targets.Add((service.Resource.Name, address ?? throw new InvalidOperationException($"{service.Resource.Name} has no HTTP address.")));
        }
        await File.WriteAllTextAsync(path, Render(targets), cancellationToken).ConfigureAwait(false);
    }

    public static string Render(IEnumerable<(string Resource, string Address)> targets)
    {
        var config = new StringBuilder("""
            # Written by TradingHelper.AppHost on every start; edits are lost. The job names match the dashboards.
            global:
              scrape_interval: 5s
              evaluation_interval: 15s

            scrape_configs:

            """);
        foreach (var job in targets.GroupBy(target => Job(target.Resource)))
        {
            config.Append(CultureInfo.InvariantCulture, $"""
                  - job_name: {job.Key}
                    metrics_path: /metrics
                    static_configs:

                """);
            foreach (var (resource, address) in job)
            {
                config.Append(CultureInfo.InvariantCulture, $"""
                          - targets: ["{address}"]
                            labels:
                              resource: {resource}

                    """);
            }
        }
        return config.ToString();
    }

    private static string Job(string resource) => resource.StartsWith("ingestor", StringComparison.Ordinal) ? "ingestor" : resource;
}
