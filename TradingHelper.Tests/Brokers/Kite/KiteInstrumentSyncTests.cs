using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Instruments;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteInstrumentSyncTests(TestServers servers)
{
    private const int Universe = 188;

    [Fact]
    public async Task Dump_is_upserted_and_contracts_that_left_it_are_expired_not_deleted()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_instrument_sync");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        var reusedToken = await KiteRestClientTests.NiftyFutureAsync(kite);
        var later = IstClock.Today(TimeProvider.System.GetUtcNow()).AddDays(40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await database.ExecuteAsync($"""
            INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, tick_size, lot_size, kite_token) VALUES
                ('NFO', 'NIFTY20JANFUT', 'NFO-FUT', 'FUT', 'NIFTY', '2020-01-30', 0.05, 75, 11111),
                ('NFO', 'OLDCO{later[2..4]}FUT', 'NFO-FUT', 'FUT', 'OLDCO', '{later}', 0.05, 100, 22222),
                ('NFO', 'REUSEDFUT', 'NFO-FUT', 'FUT', 'REUSED', '{later}', 0.05, 100, {reusedToken})
            """);

        var first = await Sync(database, kite).RunAsync("test", null, ct);
        var second = await Sync(database, kite).RunAsync("test again", null, ct);

        Assert.Equal(new InstrumentSyncResult(Universe, 3), first);
        Assert.Equal(new InstrumentSyncResult(Universe, 0), second);
        Assert.Equal(Universe + 3, await database.ScalarAsync<long>("SELECT count(*) FROM instruments"));
        Assert.Equal(Universe, await database.ScalarAsync<long>("SELECT count(*) FROM instruments WHERE NOT is_expired"));
        Assert.Equal(3, await database.ScalarAsync<long>(
            "SELECT count(*) FROM instruments WHERE is_expired AND tradingsymbol IN ('NIFTY20JANFUT', 'REUSEDFUT') OR tradingsymbol LIKE 'OLDCO%' AND is_expired"));
        Assert.Equal("NIFTY", await database.ScalarAsync<string>($"SELECT underlying FROM instruments WHERE kite_token = {reusedToken} AND NOT is_expired"));
        Assert.Equal("0.05|1|INDICES", await database.ScalarAsync<string>(
            "SELECT tick_size || '|' || lot_size || '|' || segment FROM instruments WHERE kite_token = 256265"));
        Assert.Equal(84, await database.ScalarAsync<long>(
            "SELECT count(*) FROM instruments WHERE segment = 'NFO-OPT' AND strike > 0 AND expiry IS NOT NULL AND underlying IN ('NIFTY', 'BANKNIFTY')"));
        Assert.Equal(408065, await database.ScalarAsync<long>("SELECT kite_token FROM instruments WHERE exchange = 'NSE' AND tradingsymbol = 'INFY'"));
    }

    [Fact]
    public async Task A_sync_of_some_exchanges_leaves_the_other_exchanges_contracts_alone()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_instrument_partial");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        // A BSE index shares the INDICES segment with NSE's; an NSE-only sync must not take it for delisted.
        await database.ExecuteAsync("""
            INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, tick_size, lot_size, kite_token) VALUES
                ('BSE', 'SENSEX', 'INDICES', 'EQ', 0.05, 1, 265)
            """);

        var nseOnly = await Sync(database, kite).RunAsync("test", ["NSE"], ct);

        Assert.Equal(0, nseOnly.Expired);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM instruments WHERE exchange = 'NFO'"));
        Assert.True(await database.ScalarAsync<long>("SELECT count(*) FROM instruments WHERE exchange = 'NSE'") > 50);
        Assert.False(await database.ScalarAsync<bool>("SELECT is_expired FROM instruments WHERE tradingsymbol = 'SENSEX'"));
        await Assert.ThrowsAsync<KiteApiException>(() => Sync(database, kite).RunAsync("test", ["MCX"], ct));
    }

    [Fact]
    public async Task A_sync_command_syncs_and_the_daily_sync_runs_on_one_instance_only()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_instrument_daily");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        var daily = new DailyInstrumentSync(Sync(database, kite), new KiteInstrumentStore(database.DataSource, TimeProvider.System),
            database.DataSource, new StorageState(), kite.RestOptions, TimeProvider.System, kite.LoggerFactory.CreateLogger<DailyInstrumentSync>());

        await new SyncInstrumentsHandler(Sync(database, kite), new InstrumentSyncJobs(database.DataSource)).HandleAsync($$"""{"jobId":"{{Guid.NewGuid()}}"}""", ct);
        var afterCommand = await database.ScalarAsync<long>("SELECT count(*) FROM instruments");
        await using var other = await database.DataSource.OpenConnectionAsync(ct);
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT pg_advisory_lock(x'5448494E53545255'::bigint)", other))
        {
            await hold.ExecuteNonQueryAsync(ct);
        }
        var whileHeld = await daily.RunOnceAsync("test", ct);
        await using (var release = new Npgsql.NpgsqlCommand("SELECT pg_advisory_unlock(x'5448494E53545255'::bigint)", other))
        {
            await release.ExecuteNonQueryAsync(ct);
        }
        var afterRelease = await daily.RunOnceAsync("test", ct);

        Assert.Equal(Universe, afterCommand);
        Assert.Null(whileHeld);
        Assert.Equal(new InstrumentSyncResult(Universe, 0), afterRelease);
        await Assert.ThrowsAsync<CommandRejectedException>(() => new SyncInstrumentsHandler(Sync(database, kite), new InstrumentSyncJobs(database.DataSource)).HandleAsync("{", ct));
    }

    [Fact]
    public async Task A_sync_the_Api_recorded_ends_succeeded_with_its_counts_or_failed_with_the_reason()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "kite_instrument_sync_job");
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        var handler = new SyncInstrumentsHandler(Sync(database, kite), new InstrumentSyncJobs(database.DataSource));
        Guid failing = Guid.NewGuid(), succeeding = Guid.NewGuid();
        // As the Api records them before it sends the command.
        await database.ExecuteAsync($"INSERT INTO instrument_syncs (id, exchanges) VALUES ('{failing}', NULL), ('{succeeding}', '{{NSE,NFO}}')");

        await kite.FaultAsync("token-error");
        await Assert.ThrowsAnyAsync<Exception>(() => handler.HandleAsync($$"""{"jobId":"{{failing}}"}""", ct));
        await handler.HandleAsync($$"""{"jobId":"{{succeeding}}","exchanges":["NSE","NFO"]}""", ct);

        Assert.Equal("failed|true", await database.ScalarAsync<string>(
            $"SELECT status || '|' || (error IS NOT NULL AND started_at IS NOT NULL AND finished_at IS NOT NULL) FROM instrument_syncs WHERE id = '{failing}'"));
        Assert.Equal($"succeeded|{Universe}|0|true", await database.ScalarAsync<string>(
            $"SELECT status || '|' || written || '|' || expired || '|' || (error IS NULL AND started_at <= finished_at) FROM instrument_syncs WHERE id = '{succeeding}'"));
    }

    internal static InstrumentSync Sync(StorageTestDatabase database, KiteHarness kite) =>
        new(kite.Client, new KiteInstrumentStore(database.DataSource, TimeProvider.System), kite.LoggerFactory.CreateLogger<InstrumentSync>());
}
