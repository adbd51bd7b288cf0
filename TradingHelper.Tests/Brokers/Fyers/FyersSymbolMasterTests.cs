using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;

namespace TradingHelper.Tests.Brokers.Fyers;

public class FyersSymbolMasterTests
{
    public const string Equity = "10100000003045,STATE BANK OF INDIA,0,1,0.05,INE062A01020,0915-1530|1815-1915:,2025-05-15,,NSE:SBIN-EQ,10,10,3045,SBIN,3045,-1.0,XX,10100000003045,None,1,3.6";
    public const string Index = "101000000026000,NIFTY50-INDEX,10,0,0.05,,0915-1530|1815-1915:,2025-05-15,,NSE:NIFTY50-INDEX,10,10,26000,NIFTY,26000,-1.0,XX,101000000026000,None,0,0.0";
    public const string IndexFuture = "101126072861093,NIFTY 28 Jul 26 FUT,11,65,0.1,,0915-1530|1815-1915:,2026-07-03,1785232800,NSE:NIFTY26JULFUT,10,11,61093,NIFTY,26000,-1.0,XX,101000000026000,None,0,0.0";
    public const string WeeklyOption = "101126072135426,NIFTY 21 Jul 26 29450 CE,14,65,0.05,,0915-1530|1815-1915:,2026-07-17,1784628000,NSE:NIFTY2672129450CE,10,11,35426,NIFTY,26000,29450.0,CE,101000000026000,None,0,0.0";

    // The 2023 layout: 19 columns, the last update as an epoch.
    public const string OldEquity = "10100000003045,STATE BANK OF INDIA,0,1,0.05,INE062A01020,0915-1530|1815-1915:,1684108800,,NSE:SBIN-EQ,10,10,3045,SBIN,3045,-1.0,XX,10100000003045,None";

    private static (List<FyersInstrument> Instruments, FyersSymbolMaster Master) Read(params string[] lines)
    {
        var master = new FyersSymbolMaster();
        var instruments = master.Read(new StringReader(string.Join("\n", lines) + "\n")).ToList();
        return (instruments, master);
    }

    [Fact]
    public void A_cash_equity_row_maps_to_an_instrument()
    {
        var sbin = Assert.Single(Read(Equity).Instruments);

        Assert.Equal(new FyersInstrument(
            FyersSymbol: "NSE:SBIN-EQ", FyersToken: "10100000003045", Exchange: "NSE", Segment: "NSE_CM", TradingSymbol: "SBIN-EQ",
            ExchangeToken: "3045", Name: "STATE BANK OF INDIA", InstrumentType: "EQ", InstrumentTypeCode: 0, Underlying: "SBIN",
            UnderlyingFyersToken: "10100000003045", Expiry: null, ExpiresAt: null, Strike: null, OptionType: null, TickSize: 0.05m,
            LotSize: 1, Isin: "INE062A01020"), sbin);
    }

    [Fact]
    public void An_index_row_has_lot_size_zero_and_no_isin()
    {
        var nifty = Assert.Single(Read(Index).Instruments);

        Assert.Equal("INDEX", nifty.InstrumentType);
        Assert.Equal(0, nifty.LotSize);
        Assert.Null(nifty.Isin);
        Assert.Equal("NIFTY", nifty.Underlying);
        Assert.Equal("NIFTY50-INDEX", nifty.TradingSymbol);
    }

    [Fact]
    public void A_future_expires_at_the_session_close_of_its_expiry_day()
    {
        var future = Assert.Single(Read(IndexFuture).Instruments);

        Assert.Equal("NSE_FO", future.Segment);
        Assert.Equal("FUTIDX", future.InstrumentType);
        Assert.Equal(65, future.LotSize);
        Assert.Equal(0.1m, future.TickSize);
        Assert.Equal(new DateOnly(2026, 7, 28), future.Expiry);
        Assert.Equal(new DateTimeOffset(2026, 7, 28, 15, 30, 0, IndianMarket.IstOffset), future.ExpiresAt);
        Assert.Null(future.Strike);
        Assert.Null(future.OptionType);
        Assert.Equal("101000000026000", future.UnderlyingFyersToken);
    }

    [Fact]
    public void A_weekly_option_carries_strike_side_and_expiry()
    {
        var option = Assert.Single(Read(WeeklyOption).Instruments);

        Assert.Equal("NSE:NIFTY2672129450CE", option.FyersSymbol);
        Assert.Equal("OPTIDX", option.InstrumentType);
        Assert.Equal(29450m, option.Strike);
        Assert.Equal("CE", option.OptionType);
        Assert.Equal(new DateOnly(2026, 7, 21), option.Expiry);
        Assert.Equal("35426", option.ExchangeToken);
        Assert.Equal("NIFTY 21 Jul 26 29450 CE", option.Name);
    }

    [Fact]
    public void Old_nineteen_column_files_still_read()
    {
        var sbin = Assert.Single(Read(OldEquity).Instruments);

        Assert.Equal("NSE:SBIN-EQ", sbin.FyersSymbol);
        Assert.Equal("10100000003045", sbin.UnderlyingFyersToken);
    }

    [Fact]
    public void Broken_rows_are_counted_and_skipped_and_duplicates_keep_the_first()
    {
        var (instruments, master) = Read(
            Equity,
            "10100000003045,STATE BANK OF INDIA,0,1",
            "10100000009999,BROKEN,0,1,abc,,0915-1530|1815-1915:,2025-05-15,,NSE:BROKEN-EQ,10,10,9999,BROKEN,9999,-1.0,XX,10100000009999,None,0,0.0",
            "",
            Equity.Replace("STATE BANK OF INDIA", "SBI AGAIN", StringComparison.Ordinal),
            WeeklyOption);

        Assert.Equal(["NSE:SBIN-EQ", "NSE:NIFTY2672129450CE"], instruments.Select(i => i.FyersSymbol));
        Assert.Equal("STATE BANK OF INDIA", instruments[0].Name);
        Assert.Equal(2, master.SkippedRows);
        Assert.Equal(1, master.DuplicateRows);
    }
}
