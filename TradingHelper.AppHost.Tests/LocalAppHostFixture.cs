using Microsoft.Extensions.DependencyInjection;

namespace TradingHelper.AppHost.Tests;

/// <summary>
/// The whole AppHost in local-executables mode (PostgreSQL, Redis and Prometheus as processes) in a throwaway data
/// directory; a subclass names its settings and adjusts resources before the stack is built.
/// </summary>
public abstract class LocalAppHostFixture(string dataPrefix, string apiKey, bool enableDashboard) : IAsyncLifetime
{
    /// <summary>Building three projects' first start and initdb take most of it; later starts are well under a minute.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(4);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory(dataPrefix);
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The stack has not started.");

    public string DataDirectory => _data.FullName;

    /// <summary>AppHost configuration beyond the local mode, the data directory, the Api key and the simulator.</summary>
    protected virtual IEnumerable<string> Settings => [];

    /// <summary>Changes to resources (environment of a project) before the stack is built.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TradingHelper_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = enableDashboard },
            [
                "Infrastructure:Mode=local",
                $"Infrastructure:DataDirectory={DataDirectory}",
                $"Parameters:api-key={apiKey}",
                "Parameters:broker=simulator",
                .. Settings,
            ],
            timeout.Token);
        Configure(builder);
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
        GC.SuppressFinalize(this);
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();
}
