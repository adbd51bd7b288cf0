using System.ComponentModel;

namespace TradingHelper.Api.Historical;

/// <summary>The body of <c>POST /api/historical/backfill</c>.</summary>
public sealed record BackfillRequest
{
    [Description("Instrument ids (the token field of GET /api/instruments); expired contracts are allowed.")]
    public int[]? Tokens { get; init; }

    [Description("Start of the history to fetch, ISO-8601 with an offset, e.g. 2026-11-18T09:15:00+05:30.")]
    public DateTimeOffset? From { get; init; }

    [Description("End of the history to fetch (exclusive), not in the future; default now. At most Api:Historical:MaxBackfillRange (60 days) after from.")]
    public DateTimeOffset? To { get; init; }

    [Description("Interval the job is recorded with: 1m, 5m, 15m, 1h or 1d (default 1m). Minute history is fetched either way; every interval is built from it.")]
    public string? Interval { get; init; }
}
