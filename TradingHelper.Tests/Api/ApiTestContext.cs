extern alias api;

using StackExchange.Redis;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Api;

/// <summary>One database and one Redis database per test class; every Api it starts gets keys and channels of its own.</summary>
public sealed class ApiTestContext(TestServers servers) : IAsyncLifetime
{
    public const string ApiKey = "test-api-key-0123456789abcdef";

    private string _database = null!;
    private string _redis = null!;

    public ConnectionMultiplexer Redis { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await servers.Postgres.CreateDatabaseAsync("api");
        _redis = servers.Redis.CreateDatabase();
        Redis = await ConnectionMultiplexer.ConnectAsync(_redis);
    }

    public async ValueTask DisposeAsync() => await Redis.DisposeAsync();

    /// <summary>Starts an Api with the test API key and its own tick channel, quotes hash and command stream; <paramref name="settings"/> override.</summary>
    public ApiUnderTest Start(params (string Key, string? Value)[] settings)
    {
        var id = Guid.NewGuid().ToString("N");
        var merged = new Dictionary<string, string?>
        {
            ["Api:ApiKey"] = ApiKey,
            ["LiveTicks:Channel"] = $"test:ticks:{id}",
            ["LiveTicks:QuotesKey"] = $"test:quotes:{id}",
            ["Commands:StreamKey"] = $"test:commands:{id}",
        };
        foreach (var (key, value) in settings)
        {
            merged[key] = value;
        }
        return new ApiUnderTest(new ServiceFactory<api::Program>(_database, _redis, merged), merged);
    }
}

/// <summary>An Api hosted in memory and the settings it was started with.</summary>
public sealed class ApiUnderTest(ServiceFactory<api::Program> factory, IReadOnlyDictionary<string, string?> settings) : IAsyncDisposable
{
    public ServiceFactory<api::Program> Factory { get; } = factory;

    public string TickChannel => settings["LiveTicks:Channel"]!;

    public string QuotesKey => settings["LiveTicks:QuotesKey"]!;

    public string CommandStream => settings["Commands:StreamKey"]!;

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
