using Microsoft.Extensions.DependencyInjection;

namespace TradingHelper.AppHost.Tests;

/// <summary>
/// The whole AppHost in local-executables mode (PostgreSQL, Redis and Prometheus as processes) with its dashboard,
/// started once for the tests of <see cref="LocalTradingAppGroup"/> in a throwaway data directory.
/// </summary>
public sealed class LocalTradingApp : IAsyncLifetime
{
    public const string ApiKey = "apphost-tests-api-key";

    /// <summary>Building three projects' first start and initdb take most of it; later starts are well under a minute.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tradinghelper-apphost-");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public string DataDirectory => _data.FullName;

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TradingHelper_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [
                "Infrastructure:Mode=local",
                $"Infrastructure:DataDirectory={DataDirectory}",
                $"Parameters:api-key={ApiKey}",
                "Parameters:broker=simulator",
            ],
            timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        try
        {
            _data.Delete(recursive: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // The cluster folder belongs to the postgres user; it is in a temp folder either way.
        }
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();
}

[CollectionDefinition(Name)]
public sealed class LocalTradingAppGroup : ICollectionFixture<LocalTradingApp>
{
    public const string Name = "AppHost, local executables";
}
