using TradingHelper.AppHost.Infrastructure;

namespace TradingHelper.AppHost.Tests;

/// <summary>The whole AppHost in containers mode (TimescaleDB, Redis, Prometheus, Grafana), where a Docker engine answers.</summary>
public sealed class ContainerTradingApp : IAsyncLifetime
{
    public const string SkipReason =
        "No Docker engine answers (`docker info` failed or timed out); containers mode runs TimescaleDB, Redis, Prometheus and Grafana as containers.";

    public const string ApiKey = "apphost-tests-api-key";
    public const string GrafanaPassword = "apphost-tests-grafana";

    /// <summary>First runs pull four images; later runs start in well under a minute.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(8);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tradinghelper-apphost-containers-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException(SkipReason);

    public async ValueTask InitializeAsync()
    {
        if (!DockerEngine.Answers())
        {
            return;
        }
        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TradingHelper_AppHost>(
            [
                "Infrastructure:Mode=containers",
                $"Infrastructure:DataDirectory={_data.FullName}",
                "Parameters:pg-password=apphost-tests-pg",
                $"Parameters:grafana-password={GrafanaPassword}",
                $"Parameters:api-key={ApiKey}",
                "Parameters:broker=simulator",
            ],
            timeout.Token);

        // The named volumes belong to the developer's stack: another password, other data. Tests start empty.
        foreach (var container in builder.Resources.OfType<ContainerResource>())
        {
            foreach (var volume in container.Annotations.OfType<ContainerMountAnnotation>()
                         .Where(mount => mount.Type == ContainerMountType.Volume).ToList())
            {
                container.Annotations.Remove(volume);
            }
        }

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _data.Delete(recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerTradingAppGroup : ICollectionFixture<ContainerTradingApp>
{
    public const string Name = "AppHost, containers";
}
