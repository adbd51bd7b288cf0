using System.Globalization;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Fyers;

/// <summary>One simulated instrument as Fyers names it: ticker, fytoken, the data-socket topic and its depth topic (none for an index).</summary>
internal sealed record FyersListing(SimulatedInstrument Instrument, string FyersSymbol, string FyersToken, string Topic, string? DepthTopic);

/// <summary>Maps the simulator's universe onto Fyers symbology (§1.12 and §3 of the spec): <c>NSE:INFY-EQ</c>, <c>NSE:NIFTY50-INDEX</c>, <c>NSE:NIFTY26DECFUT</c>.</summary>
internal sealed class FyersSymbology
{
    // NSE's own index tokens, which Fyers fytokens embed (the Kite universe numbers indices differently).
    private static readonly Dictionary<uint, (string Symbol, string ExchangeToken)> Indices = new()
    {
        [InstrumentUniverse.Nifty50Token] = ("NSE:NIFTY50-INDEX", "26000"),
        [InstrumentUniverse.NiftyBankToken] = ("NSE:NIFTYBANK-INDEX", "26009"),
    };

    private readonly Dictionary<string, FyersListing> _byTopic;
    private readonly Dictionary<string, FyersListing> _bySymbol;

    public FyersSymbology(MarketSimulator market)
    {
        Listings = [.. market.Universe.Instruments.Select(ListingOf)];
        _byTopic = Listings.ToDictionary(listing => listing.Topic, StringComparer.Ordinal);
        foreach (var listing in Listings)
        {
            if (listing.DepthTopic is { } depthTopic)
            {
                _byTopic[depthTopic] = listing;
            }
        }
        _bySymbol = Listings.ToDictionary(listing => listing.FyersSymbol, StringComparer.Ordinal);
    }

    public IReadOnlyList<FyersListing> Listings { get; }

    /// <summary>The listing behind an <c>sf|</c>, <c>if|</c> or <c>dp|</c> topic.</summary>
    public bool TryGetByTopic(string topic, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FyersListing? listing) =>
        _byTopic.TryGetValue(topic, out listing);

    public bool TryGetBySymbol(string symbol, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FyersListing? listing) =>
        _bySymbol.TryGetValue(symbol, out listing);

    private static FyersListing ListingOf(SimulatedInstrument instrument)
    {
        string symbol;
        string fyToken;
        if (Indices.TryGetValue(instrument.InstrumentToken, out var index))
        {
            symbol = index.Symbol;
            fyToken = "1010000000" + index.ExchangeToken;
        }
        else if (instrument.Expiry is { } expiry)
        {
            // F&O tickers carry the NSE prefix on Fyers, and the fytoken embeds the expiry as yyMMdd.
            symbol = "NSE:" + instrument.TradingSymbol;
            fyToken = string.Create(CultureInfo.InvariantCulture, $"1011{expiry:yyMMdd}{instrument.ExchangeToken}");
        }
        else
        {
            symbol = $"NSE:{instrument.TradingSymbol}-EQ";
            fyToken = string.Create(CultureInfo.InvariantCulture, $"1010000000{instrument.ExchangeToken}");
        }
        if (!FyersTopicNames.TryCreate(symbol, fyToken, FyersDataType.SymbolUpdate, out var topic))
        {
            throw new InvalidOperationException($"No data-socket topic for {symbol} ({fyToken}).");
        }
        // Fyers refuses depth for an index (§1.10), so an index has no dp| topic to subscribe.
        var depthTopic = FyersTopicNames.TryCreate(symbol, fyToken, FyersDataType.DepthUpdate, out var depth) ? depth : null;
        return new FyersListing(instrument, symbol, fyToken, topic, depthTopic);
    }
}
