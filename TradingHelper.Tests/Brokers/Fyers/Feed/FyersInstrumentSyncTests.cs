using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>
/// With <c>Broker:Kind=fyers</c>, the sync command the Api sends (<c>POST /api/instruments/sync</c>) reaches the Fyers symbol
/// master: its contracts are mapped, and contracts that left it are marked expired with their history kept.
/// </summary>
public sealed class FyersInstrumentSyncTests(TestServers servers)
{
    [Fact]
    public async Task A_requested_sync_maps_the_master_and_expires_contracts_that_left_it_keeping_their_candles()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "fyers_sync", ticksPerSecond: 10, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:TokenRetryInterval"] = "00:10:00",
        });
        rig.Configure("Fyers:SymbolMasterUrl", new Uri(rig.SimulatorUrl, "/sym_details/").ToString());
        var later = IstClock.Today(DateTimeOffset.UtcNow).AddDays(40).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // A live Fyers contract already known, so the start-up sync stays away and only the requested one runs.
        var gone = await rig.Database.ScalarAsync<int>($"""
            INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, tick_size, lot_size, fyers_symbol, fyers_token)
            VALUES ('NFO', 'OLDCO{later[2..4]}DECFUT', 'NFO-FUT', 'FUT', 'OLDCO', '{later}', 0.05, 100, 'NSE:OLDCO{later[2..4]}DECFUT', '101100000099999')
            RETURNING instrument_id
            """);
        await rig.Database.ExecuteAsync($"""
            INSERT INTO broker_candles (broker, instrument_id, bucket, open, high, low, close, volume)
            VALUES ('fyers', {gone}, '2026-01-05T03:45:00Z', 10, 11, 9, 10.5, 100)
            """);
        var job = Guid.NewGuid();
        await rig.Database.ExecuteAsync($"INSERT INTO instrument_syncs (id) VALUES ('{job}')");

        rig.StartIngestor();
        using (var redis = await ConnectionMultiplexer.ConnectAsync(rig.Redis))
        {
            await new CommandPublisher(redis, Options.Create(new CommandStreamOptions()), TimeProvider.System)
                .PublishAsync(CommandKind.SyncInstruments, new { jobId = job }, ct);
        }
        var status = await TickerRig.UntilAsync(() => rig.Database.ScalarAsync<string>($"SELECT status FROM instrument_syncs WHERE id = '{job}'"),
            value => value is "succeeded" or "failed", "the requested sync ends");

        Assert.Equal("succeeded", status);
        Assert.Equal(1, await rig.Database.ScalarAsync<int>($"SELECT expired FROM instrument_syncs WHERE id = '{job}'"));
        Assert.True(await rig.Database.ScalarAsync<int>($"SELECT written FROM instrument_syncs WHERE id = '{job}'") > 100);
        Assert.True(await rig.Database.ScalarAsync<bool>($"SELECT is_expired FROM instruments WHERE instrument_id = {gone}"));
        Assert.Equal(1, await rig.Database.ScalarAsync<long>($"SELECT count(*) FROM broker_candles WHERE instrument_id = {gone}"));
        Assert.Equal("NSE:INFY-EQ", await rig.Database.ScalarAsync<string>(
            "SELECT fyers_symbol FROM instruments WHERE exchange = 'NSE' AND tradingsymbol = 'INFY' AND NOT is_expired"));
    }
}
