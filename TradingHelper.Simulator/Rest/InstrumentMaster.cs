using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Rest;

/// <summary>The instrument dump as Kite serves it: CSV with Kite's twelve columns, optionally gzipped; built once per exchange.</summary>
internal sealed class InstrumentMaster(MarketSimulator market)
{
    public const string Header = "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange";

    private static readonly string[] Exchanges = ["NSE", "BSE", "NFO", "BFO", "CDS", "BCD", "MCX"];

    private readonly ConcurrentDictionary<string, Dump> _dumps = new(StringComparer.Ordinal);

    public static bool IsExchange(string exchange) => Exchanges.Contains(exchange, StringComparer.Ordinal);

    /// <summary>The dump for one exchange, or for all when <paramref name="exchange"/> is null.</summary>
    public Dump For(string? exchange) => _dumps.GetOrAdd(exchange ?? "", key => Build(key.Length == 0 ? null : key));

    private Dump Build(string? exchange)
    {
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var instrument in market.Universe.Instruments)
        {
            if (exchange is not null && instrument.Exchange != exchange)
            {
                continue;
            }
            csv.Append(CultureInfo.InvariantCulture,
                $"{instrument.InstrumentToken},{instrument.ExchangeToken},{instrument.TradingSymbol},{instrument.Name},{instrument.BasePrice:0.0###},")
                .Append(CultureInfo.InvariantCulture, $"{instrument.Expiry:yyyy-MM-dd},{instrument.Strike:0.0###},")
                .Append(CultureInfo.InvariantCulture, $"{(instrument.IsIndex ? 0m : instrument.TickSize):0.0###},{instrument.LotSize},")
                .Append(CultureInfo.InvariantCulture, $"{instrument.InstrumentType},{instrument.Segment},{instrument.Exchange}\n");
        }
        var plain = Encoding.UTF8.GetBytes(csv.ToString());
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }
        return new Dump(plain, compressed.ToArray());
    }

    /// <summary>One exchange's dump, plain and gzipped.</summary>
    internal sealed record Dump(byte[] Plain, byte[] Gzipped);
}
