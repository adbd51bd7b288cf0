using System.Globalization;
using System.Text.RegularExpressions;
using TradingHelper.Core.Market;

namespace TradingHelper.Api.Validation;

/// <summary>
/// An instant in a query string: ISO-8601 with an offset (<c>2026-11-25T09:15:00+05:30</c>, <c>…Z</c>), or without one
/// taken as IST, the market's clock; a bare date is IST midnight.
/// </summary>
public readonly partial record struct MarketTime(DateTimeOffset Value) : IParsable<MarketTime>
{
    public static MarketTime Parse(string s, IFormatProvider? provider) =>
        TryParse(s, provider, out var time) ? time : throw new FormatException($"'{s}' is not an ISO-8601 time or date.");

    public static bool TryParse(string? s, IFormatProvider? provider, out MarketTime result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(s))
        {
            return false;
        }
        // An unencoded '+' of the offset arrives as a space: "…T09:15:00 05:30".
        var text = UnencodedOffset().Replace(s.Trim(), "+$1");
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return TryIst(date.ToDateTime(TimeOnly.MinValue), out result);
        }
        if (!text.Contains('T', StringComparison.Ordinal))
        {
            return false;
        }
        if (ExplicitOffset().IsMatch(text))
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            {
                return false;
            }
            result = new MarketTime(instant);
            return true;
        }
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local) && TryIst(local, out result);
    }

    // IST wall-clock time; years before 1900 are refused, which also keeps 0001-01-01 from falling off the calendar in UTC.
    private static bool TryIst(DateTime local, out MarketTime result)
    {
        result = default;
        if (local.Year < 1900)
        {
            return false;
        }
        result = new MarketTime(new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), IndianMarket.IstOffset));
        return true;
    }

    [GeneratedRegex(@"(?<=T[0-9:.]+) (\d{2}:?\d{2})$")]
    private static partial Regex UnencodedOffset();

    [GeneratedRegex(@"T[0-9:.]+(Z|[+-]\d{2}:?\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex ExplicitOffset();
}
