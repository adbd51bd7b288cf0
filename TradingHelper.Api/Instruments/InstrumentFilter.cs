using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;

namespace TradingHelper.Api.Instruments;

/// <summary>The query of <c>GET /api/instruments</c>; every filter is optional and they combine with AND.</summary>
public sealed class InstrumentFilter
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    /// <summary>Instrument types a client may filter by; INDEX also matches Kite's index rows (segment INDICES).</summary>
    public static readonly string[] KnownTypes = ["EQ", "FUT", "CE", "PE", "INDEX"];

    [FromQuery(Name = "segment"), Description("Broker segment, e.g. NFO-OPT, NFO-FUT, NSE, INDICES (case-insensitive).")]
    public string? Segment { get; init; }

    [FromQuery(Name = "exchange"), Description("Exchange: NSE, NFO, BSE, BFO, MCX, CDS (case-insensitive).")]
    public string? Exchange { get; init; }

    [FromQuery(Name = "symbol"), Description("Part of the trading symbol, case-insensitive; symbols starting with it come first. E.g. NIFTY25DEC.")]
    public string? Symbol { get; init; }

    [FromQuery(Name = "underlying"), Description("Underlying of a derivative, e.g. NIFTY or BANKNIFTY (case-insensitive, exact).")]
    public string? Underlying { get; init; }

    [FromQuery(Name = "type"), Description("Instrument type, one or more of EQ, FUT, CE, PE, INDEX separated by commas, e.g. CE,PE for options.")]
    public string? Type { get; init; }

    [FromQuery(Name = "expiry"), Description("Expiry date, yyyy-MM-dd.")]
    public DateOnly? Expiry { get; init; }

    [FromQuery(Name = "includeExpired"), Description("Include expired contracts (default false).")]
    public bool? IncludeExpired { get; init; }

    [FromQuery(Name = "page"), Description("Page number, from 1 (default 1).")]
    public int? Page { get; init; }

    [FromQuery(Name = "pageSize"), Description("Instruments per page, 1 to 500 (default 100).")]
    public int? PageSize { get; init; }
}
