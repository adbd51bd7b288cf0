using TradingHelper.AppHost.Infrastructure;

namespace TradingHelper.AppHost.Services;

/// <summary>What the start-up helpers need to know of this run: where the Api is, its key, and how infrastructure runs.</summary>
internal sealed record LocalRun(
    AppHostSettings Settings,
    EndpointReference Api,
    ParameterResource ApiKey,
    string ApiKeyWhere,
    EndpointReference Prometheus,
    string Broker);
