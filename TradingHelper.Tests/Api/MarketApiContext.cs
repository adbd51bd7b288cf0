using StackExchange.Redis;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Api;

/// <summary>An <see cref="ApiTestContext"/> whose database is migrated and holds the <see cref="MarketInstruments"/>.</summary>
public sealed class MarketApiContext(TestServers servers) : IAsyncLifetime
{
    private readonly ApiTestContext _api = new(servers);

    public StorageTestDatabase Database { get; private set; } = null!;

    public MarketInstruments Instruments { get; private set; } = null!;

    public ConnectionMultiplexer Redis => _api.Redis;

    public async ValueTask InitializeAsync()
    {
        await _api.InitializeAsync();
        Database = StorageTestDatabase.Connect(_api.DatabaseConnectionString);
        await Database.CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken);
        Instruments = await MarketInstruments.SeedAsync(Database);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await _api.DisposeAsync();
    }

    public ApiUnderTest Start(params (string Key, string? Value)[] settings) => _api.Start(settings);
}
