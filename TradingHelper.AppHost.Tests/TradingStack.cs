namespace TradingHelper.AppHost.Tests;

/// <summary>The whole AppHost, started once for a test class, with known secrets and no persistent volumes.</summary>
public sealed class TradingStack : IAsyncLifetime
{
    public const string ApiKey = "apphost-tests-api-key";
    public const string GrafanaPassword = "apphost-tests-grafana";

    /// <summary>First runs pull four images; later runs start in well under a minute.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(5);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException(Docker.SkipReason);

    public async ValueTask InitializeAsync()
    {
        if (!Docker.IsAvailable)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TradingHelper_AppHost>(
            [
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
    }
}
