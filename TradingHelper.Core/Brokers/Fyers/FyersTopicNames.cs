using System.Diagnostics.CodeAnalysis;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Turns a Fyers ticker and its fytoken into the data-socket topic the SDKs subscribe: <c>sf|nse_cm|3045</c>, <c>dp|nse_fo|35426</c>, <c>if|nse_cm|Nifty 50</c>.</summary>
public static class FyersTopicNames
{
    private const int PrefixLength = 4;
    private const int ExchangeTokenStart = 10;
    private const string IndexSuffix = "-INDEX";

    // The SDKs' index_dict has 127 entries; these are the ones the research confirmed. Others fall back to the ticker stem,
    // which the server reportedly accepts too.
    private static readonly Dictionary<string, string> IndexNames = new(StringComparer.Ordinal)
    {
        ["NSE:NIFTY50-INDEX"] = "Nifty 50",
        ["NSE:NIFTYBANK-INDEX"] = "Nifty Bank",
        ["NSE:FINNIFTY-INDEX"] = "Nifty Fin Service",
        ["NSE:MIDCPNIFTY-INDEX"] = "NIFTY MID SELECT",
        ["NSE:INDIAVIX-INDEX"] = "India VIX",
        ["NSE:NIFTYNXT50-INDEX"] = "Nifty Next 50",
        ["BSE:SENSEX-INDEX"] = "SENSEX",
        ["BSE:BANKEX-INDEX"] = "BANKEX",
    };

    /// <summary>The topic of a ticker; false when the fytoken's exchange and segment have no socket segment (the SDKs drop such symbols) or depth is asked of an index.</summary>
    public static bool TryCreate(string fyersSymbol, string fyToken, FyersDataType dataType, [NotNullWhen(true)] out string? topic)
    {
        ArgumentNullException.ThrowIfNull(fyersSymbol);
        ArgumentNullException.ThrowIfNull(fyToken);
        topic = null;
        if (fyToken.Length <= ExchangeTokenStart || !TryGetSegment(fyToken, out var segment))
        {
            return false;
        }
        if (IsIndex(fyersSymbol))
        {
            if (dataType == FyersDataType.DepthUpdate)
            {
                return false;
            }
            topic = $"if|{segment}|{IndexNameOf(fyersSymbol)}";
            return true;
        }
        var prefix = dataType == FyersDataType.DepthUpdate ? "dp" : "sf";
        topic = $"{prefix}|{segment}|{fyToken.AsSpan(ExchangeTokenStart)}";
        return true;
    }

    /// <summary>The topic of an instrument from the symbol master, without calling the symbol-token endpoint.</summary>
    public static bool TryCreate(FyersInstrument instrument, FyersDataType dataType, [NotNullWhen(true)] out string? topic)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return TryCreate(instrument.FyersSymbol, instrument.FyersToken, dataType, out topic);
    }

    /// <summary>The socket segment of the first four digits of a fytoken (exchange, then segment): 1010 → nse_cm, 1011 → nse_fo, …</summary>
    public static bool TryGetSegment(ReadOnlySpan<char> fyToken, [NotNullWhen(true)] out string? segment)
    {
        segment = fyToken.Length < PrefixLength ? null : fyToken[..PrefixLength] switch
        {
            "1010" => "nse_cm",
            "1011" => "nse_fo",
            "1012" => "cde_fo",
            "1020" => "nse_com",
            "1120" => "mcx_fo",
            "1210" => "bse_cm",
            "1211" => "bse_fo",
            "1212" => "bcs_fo",
            _ => null,
        };
        return segment is not null;
    }

    /// <summary>True for tickers ending <c>-INDEX</c>, which have a single feed and no depth.</summary>
    public static bool IsIndex(string fyersSymbol)
    {
        ArgumentNullException.ThrowIfNull(fyersSymbol);
        return fyersSymbol.EndsWith(IndexSuffix, StringComparison.Ordinal);
    }

    /// <summary>The exchange's index name the topic uses (<c>NSE:NIFTY50-INDEX</c> → <c>Nifty 50</c>), else the ticker stem.</summary>
    public static string IndexNameOf(string fyersSymbol)
    {
        ArgumentNullException.ThrowIfNull(fyersSymbol);
        if (IndexNames.TryGetValue(fyersSymbol, out var name))
        {
            return name;
        }
        var start = fyersSymbol.IndexOf(':', StringComparison.Ordinal) + 1;
        var end = fyersSymbol.EndsWith(IndexSuffix, StringComparison.Ordinal) ? fyersSymbol.Length - IndexSuffix.Length : fyersSymbol.Length;
        return fyersSymbol[start..end];
    }
}
