namespace TradingHelper.AppHost.Infrastructure;

/// <summary>TimescaleDB (the <c>timescale</c> storage profile), Redis, Prometheus and Grafana as containers.</summary>
internal static class ContainerInfrastructure
{
    /// <summary>Pinned, so that the Prometheus container can reach the services on the host by a known port.</summary>
    public const int ApiPort = 5080;

    /// <summary>The first Ingestor's port; the others follow it (at most three, below the simulator's 5090).</summary>
    public const int FirstIngestorPort = 5081;

    public static DataStores AddContainerDataStores(this IDistributedApplicationBuilder builder, IResourceBuilder<ParameterResource> postgresPassword)
    {
        var timescale = builder.AddPostgres("timescaledb", password: postgresPassword)
            .WithImage("timescale/timescaledb", "2.29.2-pg16")
            // The image's init script creates the extension in $POSTGRES_DB; Aspire's own CREATE DATABASE then finds it.
            .WithEnvironment("POSTGRES_DB", LocalInfrastructure.DatabaseName)
            .WithEnvironment("TIMESCALEDB_TELEMETRY", "off")
            // Explicit path: Aspire picks the data directory from the tag's major version, which 2.x-pg16 misreports.
            .WithVolume("tradinghelper-timescaledb", "/var/lib/postgresql/data");
        var database = timescale.AddDatabase("tradingdb", LocalInfrastructure.DatabaseName);

#pragma warning disable ASPIRECERTIFICATES001 // Experimental; the only switch for Redis's automatic TLS.
        // With a dev certificate present the connection string would point at a TLS port; the services speak plain TCP.
        var redis = builder.AddRedis("redis")
            .WithDataVolume("tradinghelper-redis")
            .WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

        return new DataStores(database, redis);
    }

    /// <summary>
    /// Prometheus scrapes host.docker.internal at the services' pinned ports, from a configuration written for this
    /// run's Ingestors; Grafana is provisioned from grafana/ with both datasources.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddContainerMonitoring(
        this IDistributedApplicationBuilder builder, DataStores stores, IResourceBuilder<ParameterResource> grafanaPassword,
        string dataDirectory, int ingestors)
    {
        var configDirectory = Directory.CreateDirectory(Path.Combine(dataDirectory, "prometheus-container")).FullName;
        var targets = new List<(string, string)> { ("api", $"host.docker.internal:{ApiPort}") };
        for (var i = 0; i < ingestors; i++)
        {
            targets.Add((Services.IngestorReplicas.Name(i + 1), $"host.docker.internal:{FirstIngestorPort + i}"));
        }
        File.WriteAllText(Path.Combine(configDirectory, "prometheus.yml"), PrometheusConfig.Render(targets));

        var prometheus = builder.AddContainer("prometheus", "prom/prometheus", "v3.5.0")
            .WithBindMount(configDirectory, "/etc/prometheus", isReadOnly: true)
            // Arguments replace the image's CMD, so its storage path is repeated here.
            .WithArgs("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus")
            // Docker Engine on Linux resolves host.docker.internal only when asked to; Docker Desktop already does.
            .WithContainerRuntimeArgs("--add-host=host.docker.internal:host-gateway")
            .WithHttpEndpoint(targetPort: 9090, name: "http")
            .WithHttpHealthCheck("/-/ready");

        builder.AddContainer("grafana", "grafana/grafana", "12.1.1")
            .WithBindMount("../grafana/provisioning", "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount("../grafana/dashboards", "/var/lib/grafana/dashboards", isReadOnly: true)
            .WithEnvironment("GF_SECURITY_ADMIN_PASSWORD", grafanaPassword)
            .WithEnvironment("PROMETHEUS_URL", prometheus.GetEndpoint("http"))
            // TRADINGDB_HOST, _PORT, _USERNAME, _PASSWORD and _DATABASENAME, as the container network sees the database,
            // for the $VAR expansion in the provisioned datasource.
            .WithReference(stores.Database)
            .WithHttpEndpoint(targetPort: 3000, name: "http")
            .WithHttpHealthCheck("/api/health");
        return prometheus;
    }

    /// <summary>
    /// Prometheus's configuration names the port, and the DCP proxy must listen on every interface because a
    /// container arrives through the Docker bridge, not loopback.
    /// </summary>
    public static IResourceBuilder<ProjectResource> ScrapedFromContainers(this IResourceBuilder<ProjectResource> service, int port) =>
        service.WithEndpoint("http", endpoint =>
        {
            endpoint.Port = port;
            endpoint.TargetHost = "0.0.0.0";
        }, createIfNotExists: false);
}
