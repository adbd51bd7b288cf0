using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The <c>market</c> entry of <c>/health</c>: whether prices come from NSE through a broker or from the market simulator,
/// so nobody reads simulated prices as a real, open market.
/// </summary>
public static class MarketHealthChecks
{
    public const string Name = "market";

    /// <summary>The broker kind that means the prices are the simulator's (<c>Broker:Kind</c>).</summary>
    public const string SimulatorBroker = "simulator";

    /// <summary><c>simulated</c> for the simulator, <c>exchange</c> for a real broker.</summary>
    public static string MarketOf(string brokerKind) => brokerKind == SimulatorBroker ? "simulated" : "exchange";

    public static IHealthChecksBuilder AddMarketCheck(this IHealthChecksBuilder checks, string brokerKind)
    {
        var data = new Dictionary<string, object> { ["market"] = MarketOf(brokerKind), ["broker"] = brokerKind };
        var description = brokerKind == SimulatorBroker
            ? "Simulated market: prices come from the built-in market simulator, not from NSE"
            : $"Exchange prices from NSE through {brokerKind}";
        return checks.AddCheck(Name, () => HealthCheckResult.Healthy(description, data), [HealthTags.Ready]);
    }
}
