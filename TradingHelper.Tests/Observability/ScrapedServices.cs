namespace TradingHelper.Tests.Observability;

/// <summary>
/// Tests that read a service's /metrics. OpenTelemetry listens to every Meter of the process by name, so a service
/// hosted by a test running beside them would export into the same series (and its disposal would end them); xUnit
/// runs this collection on its own, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScrapedServices
{
    public const string Name = "Scraped services (alone in the process)";
}
