using TradingHelper.Tests.Brokers.Kite.Ticker;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Brokers.Fyers.Feed;

/// <summary>The Ingestor with <c>Broker:Kind=fyers</c> maps the simulator's Fyers symbol master onto the instrument rows Kite's dump created, inserting none twice.</summary>
public sealed class FyersSymbolMasterSyncTests(TestServers servers)
{
    [Fact]
    public async Task Start_up_sync_puts_Fyers_symbols_on_the_Kite_rows_of_the_same_instruments()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await TickerRig.StartAsync(servers, "fyers_master", ticksPerSecond: 10, new Dictionary<string, string?>
        {
            ["Broker:Kind"] = "fyers",
            ["Fyers:TokenRetryInterval"] = "00:10:00",
        });
        rig.Configure("Fyers:SymbolMasterUrl", new Uri(rig.SimulatorUrl, "/sym_details/").ToString());
        var kiteRows = await SimulatedInstruments.ReadAsync(rig.Simulator, ct);
        await SimulatedInstruments.InsertAsync(rig.Database, kiteRows, ct);

        rig.StartIngestor();
        var mapped = await TickerRig.UntilAsync(() => FyersSymbolsAsync(rig), symbols => symbols.Count == kiteRows.Count,
            "every instrument row carries its Fyers symbol");

        Assert.Equal(kiteRows.Count, await rig.Database.ScalarAsync<long>("SELECT count(*) FROM instruments"));
        Assert.Equal("NSE:INFY-EQ", mapped[("NSE", "INFY")].Symbol);
        Assert.Equal("10100000001594", mapped[("NSE", "INFY")].Token);
        Assert.Equal("NSE:NIFTY50-INDEX", mapped[("NSE", "NIFTY 50")].Symbol);
        Assert.Equal("NSE:NIFTYBANK-INDEX", mapped[("NSE", "NIFTY BANK")].Symbol);
        var future = kiteRows.First(row => row is { Exchange: "NFO", Type: "FUT" });
        Assert.Equal("NSE:" + future.TradingSymbol, mapped[("NFO", future.TradingSymbol)].Symbol);
        var option = kiteRows.First(row => row is { Exchange: "NFO", Type: "CE" });
        Assert.Equal("NSE:" + option.TradingSymbol, mapped[("NFO", option.TradingSymbol)].Symbol);
        Assert.StartsWith("1011", mapped[("NFO", option.TradingSymbol)].Token, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<(string Exchange, string TradingSymbol), (string Symbol, string Token)>> FyersSymbolsAsync(TickerRig rig)
    {
        await using var command = rig.Database.DataSource.CreateCommand(
            "SELECT exchange, tradingsymbol, fyers_symbol, fyers_token FROM instruments WHERE fyers_symbol IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var symbols = new Dictionary<(string, string), (string, string)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            symbols[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetString(3));
        }
        return symbols;
    }
}
