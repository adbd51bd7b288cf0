extern alias api;
extern alias ingestor;

using Microsoft.Extensions.DependencyInjection;
using TradingHelper.Core.Candles;
using TradingHelper.Tests.Candles;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage;

public sealed class StorageUpkeepTests(TestServers servers)
{
    [Fact]
    public async Task Ingestor_on_plain_postgres_keeps_partitions_ahead_and_candles_current()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await servers.Postgres.CreateDatabaseAsync("upkeep_ingestor");
        await using var factory = new ServiceFactory<ingestor::Program>(
            connectionString, servers.Redis.CreateDatabase(), new Dictionary<string, string?> { ["Candles:RefreshInterval"] = "00:00:01" });
        using var client = factory.CreateClient();
        await using var database = StorageTestDatabase.Connect(connectionString);

        var partitions = await EventuallyAsync(() => database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname ~ '^tick_data_p[0-9]{8}$'"), count => count >= 4, ct);
        await database.TickAsync(3, TimeProvider.System.GetUtcNow(), 250.5m, 1_000);
        var candles = await EventuallyAsync(() => database.ScalarAsync<long>("SELECT count(*) FROM candles_1m WHERE instrument_id = 3"), count => count == 1, ct);

        Assert.Equal(4, partitions);
        Assert.Equal(1, candles);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data_default"));
    }

    [Fact]
    public async Task Api_reads_candles_but_leaves_the_upkeep_to_the_ingestor()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await servers.Postgres.CreateDatabaseAsync("upkeep_api");
        await using var factory = new ServiceFactory<api::Program>(connectionString, servers.Redis.CreateDatabase());
        using var client = factory.CreateClient();
        await using var database = StorageTestDatabase.Connect(connectionString);
        await database.TickAsync(3, "2026-01-05 09:15:10", 250.5m, 1_000);
        await database.RefreshAllCandlesAsync();

        var candles = await factory.Services.GetRequiredService<CandleQuery>().GetCandlesAsync(
            3, TickTape.At("2026-01-05 09:15"), TickTape.At("2026-01-05 09:16"), CandleInterval.OneMinute, ct);

        Assert.Equal(1_000, Assert.Single(candles).Volume);
        Assert.Empty(factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CandleRefresher>());
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname ~ '^tick_data_p[0-9]{8}$'"));
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, CancellationToken ct)
    {
        var value = await probe();
        for (var attempt = 0; attempt < 100 && !done(value); attempt++)
        {
            await Task.Delay(200, ct);
            value = await probe();
        }
        return value;
    }
}
