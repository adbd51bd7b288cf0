using System.Text;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>A topic as bound by its snapshot on one connection: allocated once, then shared by every quote of the topic.</summary>
public sealed class FyersTopic
{
    internal FyersTopic(ushort id, string name, int multiplier, byte precision, string exchange, string exchangeToken, string tradingSymbol)
    {
        Id = id;
        Name = name;
        Kind = KindOf(name);
        Multiplier = multiplier;
        Precision = precision;
        Exchange = exchange;
        ExchangeToken = exchangeToken;
        TradingSymbol = tradingSymbol;
    }

    /// <summary>The id the server assigned on this connection; reassigned after every reconnect.</summary>
    public ushort Id { get; }

    /// <summary>The topic as subscribed, e.g. <c>sf|nse_cm|3045</c>: the stable key to map to an instrument.</summary>
    public string Name { get; }

    public FyersTopicKind Kind { get; }

    public int Multiplier { get; }

    /// <summary>Decimal places of every price: 2 for NSE/BSE, 4 expected for currency.</summary>
    public byte Precision { get; }

    /// <summary>First snapshot string (SDK key <c>exchange</c>); exact content undocumented.</summary>
    public string Exchange { get; }

    /// <summary>Second snapshot string (SDK key <c>exchange_token</c>).</summary>
    public string ExchangeToken { get; }

    /// <summary>Third snapshot string (SDK key <c>symbol</c>).</summary>
    public string TradingSymbol { get; }

    /// <summary>Converts a wire price to rupees exactly: raw / (10^precision × multiplier), in decimal.</summary>
    public decimal ToRupees(int raw)
    {
        var magnitude = (uint)Math.Abs((long)raw);
        var scaled = new decimal((int)magnitude, 0, 0, raw < 0, Precision);
        return Multiplier == 1 ? scaled : scaled / Multiplier;
    }

    public override string ToString() => Name;

    internal bool Matches(ReadOnlySpan<byte> name, int multiplier, byte precision, ReadOnlySpan<byte> exchange, ReadOnlySpan<byte> exchangeToken, ReadOnlySpan<byte> tradingSymbol) =>
        Multiplier == multiplier && Precision == precision
        && Ascii.Equals(name, Name) && Ascii.Equals(exchange, Exchange)
        && Ascii.Equals(exchangeToken, ExchangeToken) && Ascii.Equals(tradingSymbol, TradingSymbol);

    private static FyersTopicKind KindOf(string name) => name.AsSpan(0, Math.Min(3, name.Length)) switch
    {
        "sf|" => FyersTopicKind.Scrip,
        "if|" => FyersTopicKind.Index,
        "dp|" => FyersTopicKind.Depth,
        _ => FyersTopicKind.Unknown,
    };
}
