// Resource names are configuration keys: the services read ConnectionStrings:tradingdb and ConnectionStrings:redis,
// and behave the same with or without this AppHost.
var builder = DistributedApplication.CreateBuilder(args);

var pgPassword = builder.AddParameter("pg-password", secret: true);
var grafanaPassword = builder.AddParameter("grafana-password", secret: true);
var apiKey = builder.AddParameter("api-key", secret: true);

// The broker decides which resources exist, so it is read while the model is built; AddParameter(name, value)
// would ignore configuration, hence the explicit lookup.
var brokerKind = builder.Configuration["Parameters:broker"] ?? "simulator";
var broker = builder.AddParameter("broker", brokerKind);

var timescale = builder.AddPostgres("timescaledb", password: pgPassword)
    .WithImage("timescale/timescaledb", "2.29.2-pg16")
    // The image's init script creates the extension in $POSTGRES_DB; Aspire's own CREATE DATABASE then finds it.
    .WithEnvironment("POSTGRES_DB", "trading_data")
    .WithEnvironment("TIMESCALEDB_TELEMETRY", "off")
    // Explicit path: Aspire 13.5 picks the data directory from the tag's major version, which 2.x-pg16 misreports.
    .WithVolume("tradinghelper-timescaledb", "/var/lib/postgresql/data");
var db = timescale.AddDatabase("tradingdb", "trading_data");

#pragma warning disable ASPIRECERTIFICATES001 // Experimental in 13.5; the only switch for Redis's automatic TLS.
// With a dev certificate present the connection string would point at a TLS port; the services speak plain TCP.
var redis = builder.AddRedis("redis")
    .WithDataVolume("tradinghelper-redis")
    .WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

var api = builder.AddProject<Projects.TradingHelper_Api>("api")
    .WithReference(db).WaitFor(db)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Api__ApiKey", apiKey)
    .WithEndpoint("http", ScrapedFromContainers(5080), createIfNotExists: false)
    .WithHttpHealthCheck("/health");

var ingestor = builder.AddProject<Projects.TradingHelper_Ingestor>("ingestor")
    .WithReference(db).WaitFor(db)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Broker__Kind", broker)
    .WithEndpoint("http", ScrapedFromContainers(5081), createIfNotExists: false)
    .WithHttpHealthCheck("/health");

switch (brokerKind)
{
    case "simulator":
        // The simulator serves Kite's REST API and ticker at its root, so the Ingestor's Kite client needs only URLs.
        var simulator = builder.AddProject<Projects.TradingHelper_Simulator>("simulator")
            .WithHttpHealthCheck("/health");
        var market = simulator.GetEndpoint("http");
        ingestor.WaitFor(simulator)
            .WithEnvironment("Kite__ApiBaseUrl", market)
            .WithEnvironment("Kite__TickerUrl", $"ws://{market.Property(EndpointProperty.HostAndPort)}/");
        break;
    case "kite":
        var kiteApiKey = builder.AddParameter("kite-api-key");
        ingestor
            .WithEnvironment("Kite__ApiKey", kiteApiKey)
            .WithEnvironment("Kite__ApiSecret", builder.AddParameter("kite-api-secret", secret: true));
        // The Api sends the browser to Kite's login page, which needs the (non-secret) api_key; the secret stays above.
        api.WithEnvironment("Kite__ApiKey", kiteApiKey);
        break;
    case "fyers":
        ingestor
            .WithEnvironment("Fyers__AppId", builder.AddParameter("fyers-app-id"))
            .WithEnvironment("Fyers__SecretKey", builder.AddParameter("fyers-secret-key", secret: true));
        break;
    default:
        throw new InvalidOperationException($"Parameters:broker is '{brokerKind}'; use simulator, kite or fyers.");
}

var prometheus = builder.AddContainer("prometheus", "prom/prometheus", "v3.5.0")
    .WithBindMount("../prometheus", "/etc/prometheus", isReadOnly: true)
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
    .WithReference(db)
    .WithHttpEndpoint(targetPort: 3000, name: "http")
    .WithHttpHealthCheck("/api/health");

builder.Build().Run();

// prometheus/prometheus.yml scrapes host.docker.internal:<port>: the port is pinned so the file can name it, and the
// DCP proxy must listen on every interface because a container arrives through the Docker bridge, not loopback.
static Action<EndpointAnnotation> ScrapedFromContainers(int port) => endpoint =>
{
    endpoint.Port = port;
    endpoint.TargetHost = "0.0.0.0";
};
