using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Tests.Brokers.Fyers;

public class FyersTopicNamesTests
{
    [Theory]
    [InlineData("NSE:SBIN-EQ", "10100000003045", FyersDataType.SymbolUpdate, "sf|nse_cm|3045")]
    [InlineData("NSE:SBIN-EQ", "10100000003045", FyersDataType.DepthUpdate, "dp|nse_cm|3045")]
    [InlineData("NSE:NIFTY26JULFUT", "101126072861093", FyersDataType.SymbolUpdate, "sf|nse_fo|61093")]
    [InlineData("NSE:BANKNIFTY24JUL52000CE", "101124073150625", FyersDataType.SymbolUpdate, "sf|nse_fo|50625")]
    [InlineData("NSE:NIFTY2672129450CE", "101126072135426", FyersDataType.DepthUpdate, "dp|nse_fo|35426")]
    [InlineData("MCX:GOLD25JUNFUT", "1120250605435697", FyersDataType.SymbolUpdate, "sf|mcx_fo|435697")]
    [InlineData("NSE:NIFTY50-INDEX", "101000000026000", FyersDataType.SymbolUpdate, "if|nse_cm|Nifty 50")]
    [InlineData("NSE:NIFTYBANK-INDEX", "101000000026009", FyersDataType.SymbolUpdate, "if|nse_cm|Nifty Bank")]
    [InlineData("NSE:FINNIFTY-INDEX", "101000000026037", FyersDataType.SymbolUpdate, "if|nse_cm|Nifty Fin Service")]
    [InlineData("NSE:MIDCPNIFTY-INDEX", "101000000026074", FyersDataType.SymbolUpdate, "if|nse_cm|NIFTY MID SELECT")]
    [InlineData("NSE:INDIAVIX-INDEX", "101000000026017", FyersDataType.SymbolUpdate, "if|nse_cm|India VIX")]
    [InlineData("BSE:SENSEX-INDEX", "121000000001", FyersDataType.SymbolUpdate, "if|bse_cm|SENSEX")]
    [InlineData("NSE:NIFTYIT-INDEX", "101000000026008", FyersDataType.SymbolUpdate, "if|nse_cm|NIFTYIT")]
    public void Tickers_become_the_topics_the_sdks_subscribe(string ticker, string fyToken, FyersDataType dataType, string expected)
    {
        Assert.True(FyersTopicNames.TryCreate(ticker, fyToken, dataType, out var topic));
        Assert.Equal(expected, topic);
    }

    [Theory]
    [InlineData("1010", "nse_cm")]
    [InlineData("1011", "nse_fo")]
    [InlineData("1012", "cde_fo")]
    [InlineData("1020", "nse_com")]
    [InlineData("1120", "mcx_fo")]
    [InlineData("1210", "bse_cm")]
    [InlineData("1211", "bse_fo")]
    [InlineData("1212", "bcs_fo")]
    public void The_first_four_fytoken_digits_name_the_segment(string prefix, string segment)
    {
        Assert.True(FyersTopicNames.TryGetSegment($"{prefix}000000123", out var actual));
        Assert.Equal(segment, actual);
    }

    [Fact]
    public void An_index_has_no_depth_and_an_unknown_segment_no_topic()
    {
        Assert.False(FyersTopicNames.TryCreate("NSE:NIFTY50-INDEX", "101000000026000", FyersDataType.DepthUpdate, out _));
        Assert.False(FyersTopicNames.TryCreate("NSE:ABC-EQ", "13100000001234", FyersDataType.SymbolUpdate, out _));
        Assert.False(FyersTopicNames.TryCreate("NSE:ABC-EQ", "1010", FyersDataType.SymbolUpdate, out _));
    }

    [Fact]
    public void A_symbol_master_row_gives_its_topic_without_a_rest_call()
    {
        var master = new FyersSymbolMaster();
        var option = master.Read(new StringReader(FyersSymbolMasterTests.WeeklyOption)).Single();

        Assert.True(FyersTopicNames.TryCreate(option, FyersDataType.SymbolUpdate, out var topic));
        Assert.Equal("sf|nse_fo|35426", topic);
    }
}
