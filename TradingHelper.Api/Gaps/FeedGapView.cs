namespace TradingHelper.Api.Gaps;

/// <summary>
/// A broker disconnect: the instruments whose ticks were lost from <see cref="StartedAt"/> to <see cref="EndedAt"/>
/// (null while the connection is still down), and the backfill job that fetches the lost minutes from broker history;
/// a gap wholly outside market hours gets no job, as nothing traded in it.
/// </summary>
public sealed record FeedGapView(
    long Id,
    string Broker,
    string Connection,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    bool Open,
    double DurationSeconds,
    int InstrumentCount,
    IReadOnlyList<GapInstrument> Instruments,
    GapBackfill? Backfill,
    bool OutsideMarketHours);

/// <summary>An instrument a gap covers.</summary>
public sealed record GapInstrument(int Token, string? Exchange, string? Tradingsymbol);

/// <summary>The backfill job linked to a gap, its status and where to follow it.</summary>
public sealed record GapBackfill(Guid JobId, string Status, string Link);

/// <summary>The gaps overlapping a time range, newest first.</summary>
public sealed record FeedGapList(DateTimeOffset From, DateTimeOffset To, int Count, IReadOnlyList<FeedGapView> Items);
