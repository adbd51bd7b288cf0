using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CsvHelper;
using TradingHelper.Core.Market;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>Reads a Fyers symbol-master CSV (<c>https://public.fyers.in/sym_details/NSE_FO.csv</c> and its siblings) into instruments.</summary>
/// <remarks>
/// The files have no header and have grown from 19 to 21 columns, so columns are read by index and trailing ones may be
/// missing or extra. A row that cannot be read is counted in <see cref="SkippedRows"/>; a ticker seen before in the same
/// read is counted in <see cref="DuplicateRows"/> and dropped, keeping the first.
/// </remarks>
public sealed class FyersSymbolMaster
{
    private const int FyTokenColumn = 0;
    private const int DescriptionColumn = 1;
    private const int InstrumentTypeColumn = 2;
    private const int LotSizeColumn = 3;
    private const int TickSizeColumn = 4;
    private const int IsinColumn = 5;
    private const int ExpiryColumn = 8;
    private const int TickerColumn = 9;
    private const int ExchangeColumn = 10;
    private const int SegmentColumn = 11;
    private const int ScripCodeColumn = 12;
    private const int UnderlyingColumn = 13;
    private const int StrikeColumn = 15;
    private const int OptionTypeColumn = 16;
    private const int UnderlyingFyTokenColumn = 17;
    private const int RequiredColumns = OptionTypeColumn + 1;

    private static readonly CsvReaderOptions Options = new()
    {
        HasHeader = false,
        Separator = ',',
        Mode = CsvMode.NoEscape,
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    /// <summary>Rows with too few columns or a value that does not parse.</summary>
    public int SkippedRows { get; private set; }

    /// <summary>Rows whose ticker an earlier row already had.</summary>
    public int DuplicateRows { get; private set; }

    /// <summary>Reads every instrument of the file, lazily.</summary>
    public IEnumerable<FyersInstrument> Read(TextReader csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        return ReadRows(csv);
    }

    private IEnumerable<FyersInstrument> ReadRows(TextReader csv)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = CsvReader.Create(csv, Options, leaveOpen: true);
        while (reader.Read())
        {
            if (!TryReadRow(reader, out var instrument))
            {
                SkippedRows++;
            }
            else if (!seen.Add(instrument.FyersSymbol))
            {
                DuplicateRows++;
            }
            else
            {
                yield return instrument;
            }
        }
    }

    private static bool TryReadRow(CsvReader row, [NotNullWhen(true)] out FyersInstrument? instrument)
    {
        instrument = null;
        var ticker = Text(row, TickerColumn);
        var fyToken = Text(row, FyTokenColumn);
        var colon = ticker?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (row.FieldCount < RequiredColumns || ticker is null || fyToken is null || colon <= 0
            || !TryInt(row, InstrumentTypeColumn, out var typeCode)
            || !TryInt(row, ExchangeColumn, out var exchangeCode)
            || !TryInt(row, SegmentColumn, out var segmentCode)
            || !decimal.TryParse(row.GetSpan(TickSizeColumn), NumberStyles.Float, CultureInfo.InvariantCulture, out var tickSize))
        {
            return false;
        }

        // Index rows carry lot size 0; a blank one is read the same way rather than dropping the row.
        var lotSize = TryInt(row, LotSizeColumn, out var lot) ? lot : 0;
        var exchange = ExchangeName(exchangeCode) ?? ticker[..colon];
        var expiresAt = TryLong(row, ExpiryColumn, out var expirySeconds) && expirySeconds > 0
            ? DateTimeOffset.FromUnixTimeSeconds(expirySeconds).ToOffset(IndianMarket.IstOffset)
            : (DateTimeOffset?)null;
        var optionType = Text(row, OptionTypeColumn);
        var isOption = optionType is "CE" or "PE";
        decimal? strike = isOption && decimal.TryParse(row.GetSpan(StrikeColumn), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : null;

        instrument = new FyersInstrument(
            FyersSymbol: ticker,
            FyersToken: fyToken,
            Exchange: exchange,
            Segment: $"{exchange}_{SegmentName(segmentCode)}",
            TradingSymbol: ticker[(colon + 1)..],
            ExchangeToken: Text(row, ScripCodeColumn) ?? (fyToken.Length > 10 ? fyToken[10..] : fyToken),
            Name: Text(row, DescriptionColumn) ?? ticker,
            InstrumentType: InstrumentTypeName(typeCode),
            InstrumentTypeCode: typeCode,
            Underlying: Text(row, UnderlyingColumn),
            UnderlyingFyersToken: Text(row, UnderlyingFyTokenColumn),
            Expiry: expiresAt is { } at ? DateOnly.FromDateTime(at.DateTime) : null,
            ExpiresAt: expiresAt,
            Strike: strike,
            OptionType: isOption ? optionType : null,
            TickSize: tickSize,
            LotSize: lotSize,
            Isin: Text(row, IsinColumn));
        return true;
    }

    private static string? Text(CsvReader row, int column)
    {
        if (column >= row.FieldCount)
        {
            return null;
        }
        var value = row.GetString(column)?.Trim();
        return string.IsNullOrEmpty(value) || value == "None" ? null : value;
    }

    private static bool TryInt(CsvReader row, int column, out int value) =>
        int.TryParse(row.GetSpan(column), NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    // Older files wrote some epochs with a fraction ("1722420000.0").
    private static bool TryLong(CsvReader row, int column, out long value)
    {
        var ok = decimal.TryParse(row.GetSpan(column), NumberStyles.Float, CultureInfo.InvariantCulture, out var number);
        value = ok ? (long)decimal.Truncate(number) : 0;
        return ok;
    }

    private static string? ExchangeName(int code) => code switch
    {
        10 => "NSE",
        11 => "MCX",
        12 => "BSE",
        _ => null,
    };

    private static string SegmentName(int code) => code switch
    {
        10 => "CM",
        11 => "FO",
        12 => "CD",
        20 => "COM",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };

    private static string InstrumentTypeName(int code) => code switch
    {
        0 => "EQ",
        1 => "PREFSHARES",
        2 => "DEBENTURES",
        3 => "WARRANTS",
        4 => "MISC",
        5 => "SGB",
        6 => "G-SEC",
        7 => "T-BILL",
        8 => "MF",
        9 => "ETF",
        10 => "INDEX",
        11 => "FUTIDX",
        12 => "FUTIVX",
        13 => "FUTSTK",
        14 => "OPTIDX",
        15 => "OPTSTK",
        16 => "FUTCUR",
        17 => "FUTIRT",
        18 => "FUTIRC",
        19 => "OPTCUR",
        20 => "UNDCUR",
        21 => "UNDIRC",
        22 => "UNDIRT",
        23 => "UNDIRD",
        24 => "INDEX_CD",
        25 => "FUTIRD",
        30 => "FUTCOM",
        31 => "OPTFUT",
        32 => "OPTCOM",
        33 => "FUTBAS",
        37 => "OPTFUT_NCOM",
        50 => "MISC",
        _ => code.ToString(CultureInfo.InvariantCulture),
    };
}
