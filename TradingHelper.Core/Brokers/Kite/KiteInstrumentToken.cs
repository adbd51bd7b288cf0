namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Arithmetic of Kite instrument tokens: <c>(exchange_token &lt;&lt; 8) | segment</c>.</summary>
public static class KiteInstrumentToken
{
    /// <summary>Builds the token Kite would give an exchange token in a segment.</summary>
    public static uint Create(uint exchangeToken, KiteSegment segment) => (exchangeToken << 8) | (byte)segment;

    /// <summary>The segment a token belongs to.</summary>
    public static KiteSegment SegmentOf(uint instrumentToken) => (KiteSegment)(instrumentToken & 0xFF);

    /// <summary>The exchange's own identifier inside a token.</summary>
    public static uint ExchangeTokenOf(uint instrumentToken) => instrumentToken >> 8;

    /// <summary>Indices are quoted but cannot be traded.</summary>
    public static bool IsTradable(uint instrumentToken) => SegmentOf(instrumentToken) != KiteSegment.Indices;

    /// <summary>How many wire units make one rupee for prices of this token.</summary>
    /// <remarks>Currency segments quote fractions of a paisa; BCD's 1e4 comes from every official client, not the docs.</remarks>
    public static uint PriceDivisorOf(uint instrumentToken) => SegmentOf(instrumentToken) switch
    {
        KiteSegment.Cds => 10_000_000,
        KiteSegment.Bcd => 10_000,
        _ => 100,
    };
}
