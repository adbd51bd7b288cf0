using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TradingHelper.AppHost.Infrastructure;
using TradingHelper.AppHost.Services;

// Resource names are configuration keys: the services read ConnectionStrings:tradingdb and ConnectionStrings:redis,
// and behave the same with or without this AppHost.
var builder = DistributedApplication.CreateBuilder(args);

var settings = AppHostSettings.Read(builder);
var secrets = new LocalSecrets(builder, settings.DataDirectory);
var apiKey = secrets.AddParameter("api-key");
var postgresPassword = secrets.AddParameter("pg-password");

// The broker decides which resources exist, so it is read while the model is built.
var brokerKind = builder.Configuration["Parameters:broker"] ?? "simulator";
var broker = builder.AddParameter("broker", brokerKind);
// Shown on the dashboard's resource list, so nobody has to guess where the data lives.
builder.AddParameter("infrastructure", $"{settings.Mode.ToString().ToLowerInvariant()} ({settings.ModeReason})");

DataStores stores;
if (settings.Mode == InfrastructureMode.Local)
{
    LocalInfrastructure.RequirePrerequisites();
    stores = builder.AddLocalDataStores(settings.DataDirectory, postgresPassword);
}
else
{
    stores = builder.AddContainerDataStores(postgresPassword);
}

var api = builder.AddProject<Projects.TradingHelper_Api>("api")
    .WithReference(stores.Database).WaitFor(stores.Database)
    .WithReference(stores.Redis).WaitFor(stores.Redis)
    .WithEnvironment("Api__ApiKey", apiKey)
    // The Api never talks to a broker, but its pages and /health say whether the prices are simulated.
    .WithEnvironment("Broker__Kind", broker)
    .WithServiceHealthCheck()
    .WithUrlForEndpoint("http", url => url.DisplayText = "Api")
    .WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = "/chart", DisplayText = "Live chart" })
    .WithUrlForEndpoint("http", _ => new ResourceUrlAnnotation { Url = "/docs", DisplayText = "API docs" });

// Several Ingestors share one subscription set through leases in PostgreSQL; each needs its own name and spool.
var ingestorCount = IngestorReplicas.Read(builder.Configuration, brokerKind);
builder.AddParameter("ingestors", ingestorCount.ToString(CultureInfo.InvariantCulture));
var ingestors = new List<IResourceBuilder<ProjectResource>>();
for (var ordinal = 1; ordinal <= ingestorCount; ordinal++)
{
    var name = IngestorReplicas.Name(ordinal);
    var ingestor = builder.AddProject<Projects.TradingHelper_Ingestor>(name)
        .WithReference(stores.Database).WaitFor(stores.Database)
        .WithReference(stores.Redis).WaitFor(stores.Redis)
        .WithEnvironment("Broker__Kind", broker)
        .WithEnvironment("Ingestor__Name", name)
        .WithEnvironment("TickWriter__WriterId", name)
        // Together the Ingestors stay within the ticker connections Kite allows one API key (the simulator's too).
        .WithEnvironment("Kite__MaxConnections", IngestorReplicas.KiteConnectionsEach(ingestorCount).ToString(CultureInfo.InvariantCulture))
        // Kept with the run's data rather than inside the source tree, and the same for a restarted Ingestor, which
        // replays what it spooled before it died.
        .WithEnvironment("TickWriter__SpoolDirectory", Path.Combine(settings.DataDirectory, "spool", name))
        .WithServiceHealthCheck();
    if (ordinal > 1 && settings.Mode == InfrastructureMode.Local)
    {
        // The launch profile pins the first Ingestor's port; the others take any free one.
        ingestor.WithEndpoint("http", endpoint => endpoint.Port = null, createIfNotExists: false);
    }
    ingestors.Add(ingestor);
}

var scraped = new List<IResourceBuilder<ProjectResource>> { api };
scraped.AddRange(ingestors);
switch (brokerKind)
{
    case "simulator":
        // The simulator serves Kite's REST API and ticker at its root, so the Ingestor's Kite client needs only URLs.
        var simulator = builder.AddProject<Projects.TradingHelper_Simulator>("simulator")
            .WithHttpHealthCheck("/health");
        var market = simulator.GetEndpoint("http");
        foreach (var ingestor in ingestors)
        {
            ingestor.WaitFor(simulator)
                .WithEnvironment("Kite__ApiBaseUrl", market)
                .WithEnvironment("Kite__TickerUrl", $"ws://{market.Property(EndpointProperty.HostAndPort)}/");
        }
        scraped.Add(simulator);
        break;
    case "kite":
        var kiteApiKey = builder.AddParameter("kite-api-key");
        var kiteApiSecret = builder.AddParameter("kite-api-secret", secret: true);
        foreach (var ingestor in ingestors)
        {
            ingestor
                .WithEnvironment("Kite__ApiKey", kiteApiKey)
                .WithEnvironment("Kite__ApiSecret", kiteApiSecret);
        }
        // The Api sends the browser to Kite's login page, which needs the (non-secret) api_key; the secret stays above.
        api.WithEnvironment("Kite__ApiKey", kiteApiKey);
        break;
    case "fyers":
        var fyersAppId = builder.AddParameter("fyers-app-id");
        ingestors.Single()
            .WithEnvironment("Fyers__AppId", fyersAppId)
            .WithEnvironment("Fyers__SecretKey", builder.AddParameter("fyers-secret-key", secret: true));
        // The Api sends the browser to Fyers' login page, which needs the (non-secret) App ID; the secret stays above.
        api.WithEnvironment("Fyers__AppId", fyersAppId);
        break;
    default:
        throw new InvalidOperationException($"Parameters:broker is '{brokerKind}'; use simulator, kite or fyers.");
}

IResourceBuilder<IResourceWithEndpoints> prometheus;
if (settings.Mode == InfrastructureMode.Local)
{
    prometheus = builder.AddLocalPrometheus(settings.DataDirectory, [.. scraped]);
}
else
{
    api.ScrapedFromContainers(ContainerInfrastructure.ApiPort);
    for (var i = 0; i < ingestors.Count; i++)
    {
        ingestors[i].ScrapedFromContainers(ContainerInfrastructure.FirstIngestorPort + i);
    }
    prometheus = builder.AddContainerMonitoring(stores, secrets.AddParameter("grafana-password"), settings.DataDirectory, ingestors.Count);
}

builder.Services.AddSingleton(new LocalRun(
    settings, api.GetEndpoint("http"), apiKey.Resource, secrets.Describe("api-key"), prometheus.GetEndpoint("http"), brokerKind));
builder.Services.AddHostedService<StarterWatchlist>();
builder.Services.AddHostedService<RunSummary>();

builder.Build().Run();
