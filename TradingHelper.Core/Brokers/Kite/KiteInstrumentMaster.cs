using System.Globalization;
using CsvHelper;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Reads Kite's instrument dump (CSV with a header row and twelve columns, §3 of the Kite spec).</summary>
public static class KiteInstrumentMaster
{
    private const decimal IndexTickSize = 0.05m;

    private static readonly string[] Columns =
    [
        "instrument_token", "exchange_token", "tradingsymbol", "name", "last_price", "expiry",
        "strike", "tick_size", "lot_size", "instrument_type", "segment", "exchange",
    ];

    private static readonly CsvReaderOptions Options = new()
    {
        HasHeader = true,
        Separator = ',',
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Parses the whole dump. Rows that do not parse are counted in <paramref name="skipped"/>, not thrown.</summary>
    public static async Task<KiteInstrumentDump> ReadAsync(Stream csv, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csv);
        await using var reader = CsvReader.Create(csv, Options, leaveOpen: true);
        await reader.ReadHeaderAsync(cancellationToken);
        var index = new int[Columns.Length];
        for (var i = 0; i < Columns.Length; i++)
        {
            if (!reader.TryGetFieldIndex(Columns[i], out index[i]))
            {
                throw new FormatException($"The Kite instrument dump has no '{Columns[i]}' column.");
            }
        }

        var instruments = new List<KiteInstrument>();
        var skipped = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (TryRead(reader, index, out var instrument))
            {
                instruments.Add(instrument);
            }
            else
            {
                skipped++;
            }
        }
        return new KiteInstrumentDump(instruments, skipped);
    }

    private static bool TryRead(CsvReader row, int[] index, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out KiteInstrument? instrument)
    {
        instrument = null;
        var symbol = Text(row, index[2]);
        var type = Text(row, index[9]);
        var segment = Text(row, index[10]);
        var exchange = Text(row, index[11]);
        if (!uint.TryParse(row.GetSpan(index[0]), NumberStyles.None, CultureInfo.InvariantCulture, out var token)
            || !uint.TryParse(row.GetSpan(index[1]), NumberStyles.None, CultureInfo.InvariantCulture, out var exchangeToken)
            || symbol is null || type is null || segment is null || exchange is null
            || !TryDecimal(row, index[7], out var tickSize)
            || !TryDecimal(row, index[6], out var strike))
        {
            return false;
        }
        DateOnly? expiry = null;
        if (Text(row, index[5]) is { } expiryText)
        {
            if (!DateOnly.TryParseExact(expiryText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return false;
            }
            expiry = date;
        }
        var lotSize = int.TryParse(row.GetSpan(index[8]), NumberStyles.Integer, CultureInfo.InvariantCulture, out var lot) ? lot : 0;
        var name = Text(row, index[3]);
        var isDerivative = expiry is not null || type is "FUT" or "CE" or "PE";
        instrument = new KiteInstrument(
            token, exchangeToken, symbol, name, expiry,
            type is "CE" or "PE" ? strike : null,
            tickSize > 0 ? tickSize : IndexTickSize,
            lotSize > 0 ? lotSize : 1,
            type, segment, exchange,
            isDerivative ? UnderlyingOf(name, symbol) : null);
        return true;
    }

    /// <summary>The underlying of a derivative: Kite's <c>name</c>, or in older dumps the symbol up to its first digit.</summary>
    public static string UnderlyingOf(string? name, string tradingSymbol)
    {
        if (!string.IsNullOrWhiteSpace(name))
        {
            return name.Trim();
        }
        var digit = tradingSymbol.AsSpan().IndexOfAnyInRange('0', '9');
        return digit > 0 ? tradingSymbol[..digit] : tradingSymbol;
    }

    private static string? Text(CsvReader row, int column)
    {
        var value = row.GetString(column)?.Trim();
        return string.IsNullOrEmpty(value) ? null : value;
    }

    // An empty strike or tick is 0, as several of Kite's own examples write them.
    private static bool TryDecimal(CsvReader row, int column, out decimal value)
    {
        var span = row.GetSpan(column);
        if (span.IsEmpty)
        {
            value = 0;
            return true;
        }
        return decimal.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>A parsed instrument dump and how many rows could not be read.</summary>
public sealed record KiteInstrumentDump(IReadOnlyList<KiteInstrument> Instruments, int SkippedRows);
