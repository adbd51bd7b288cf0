namespace TradingHelper.AppHost.Infrastructure;

/// <summary>How the AppHost runs PostgreSQL, Redis, Prometheus and Grafana.</summary>
internal enum InfrastructureMode
{
    /// <summary>Debian's PostgreSQL 15, redis-server and Prometheus as processes; no Docker needed, no Grafana.</summary>
    Local,

    /// <summary>TimescaleDB, Redis, Prometheus and Grafana images on a Docker engine.</summary>
    Containers,
}
