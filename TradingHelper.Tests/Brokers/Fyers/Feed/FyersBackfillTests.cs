using System.Globalization;
using TradingHelper.Core.Market;
using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>With <c>Broker:Kind=fyers</c>, a closed feed gap is backfilled from the simulator's Fyers history into <c>broker_candles</c>.</summary>
public sealed class FyersBackfillTests(TestServers servers)
{
    [Fact]
    public async Task A_fyers_feed_gap_is_backfilled_with_one_fyers_candle_per_minute_it_covers()
    {
        await using var rig = await TickerRig.StartAsync(servers, "fyers_backfill", ticksPerSecond: 10, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:AccessToken"] = FyersTestTokens.Create(FyersTestTokens.SimulatorHsmKey, DateTimeOffset.UtcNow.AddHours(1)),
            ["Fyers:TokenRetryInterval"] = "00:10:00",
            ["Backfill:ScanInterval"] = "00:00:00.100",
            ["Backfill:GapSettleDelay"] = "00:00:00",
        });
        rig.Configure("Fyers:ApiBaseUrl", rig.SimulatorUrl.ToString());
        rig.Configure("Fyers:SymbolMasterUrl", new Uri(rig.SimulatorUrl, "/sym_details/").ToString());
        var kiteRows = await SimulatedInstruments.ReadAsync(rig.Simulator, TestContext.Current.CancellationToken);
        var ids = await SimulatedInstruments.InsertAsync(rig.Database, kiteRows.Where(row => row is { TradingSymbol: "INFY" or "SBIN", Exchange: "NSE" }),
            TestContext.Current.CancellationToken);
        // Mapped before start: the gap scan runs at once and must not race the start-up symbol-master sync.
        await rig.Database.ExecuteAsync("""
            UPDATE instruments SET fyers_symbol = 'NSE:' || tradingsymbol || '-EQ',
                fyers_token = '1010000000' || CASE tradingsymbol WHEN 'INFY' THEN '1594' ELSE '3045' END
            """);
        var day = IstClock.Today(DateTimeOffset.UtcNow).AddDays(-1);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }
        var open = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 15)), IndianMarket.IstOffset);
        await rig.Database.ExecuteAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at)
            VALUES ('fyers', '0', ARRAY[{string.Join(',', ids.Values)}], '{open.AddMinutes(5).AddSeconds(30):O}', '{open.AddMinutes(10).AddSeconds(10):O}')
            """));

        rig.StartIngestor();
        await TickerRig.UntilAsync(() => rig.Database.ScalarAsync<string>("SELECT status FROM backfill_jobs LIMIT 1"), status => status is "succeeded" or "failed",
            "the gap's backfill job ends");

        Assert.Equal(("succeeded", null), (await rig.Database.ScalarAsync<string>("SELECT status FROM backfill_jobs"),
            await rig.Database.ScalarAsync<string>("SELECT error FROM backfill_jobs")));
        // Minutes 09:20 to 09:25 inclusive for each of the two instruments, all marked as Fyers candles.
        Assert.Equal(12, await rig.Database.ScalarAsync<long>("SELECT count(*) FROM broker_candles WHERE broker = 'fyers'"));
        Assert.Equal(0, await rig.Database.ScalarAsync<long>("SELECT count(*) FROM broker_candles WHERE broker <> 'fyers'"));
    }
}
