namespace TradingHelper.Api.Historical;

/// <summary>A backfill job's state: overall progress (0–100), candles written, and every error of the job and its items.</summary>
public sealed record BackfillJobView(
    Guid Id,
    string Status,
    DateTimeOffset From,
    DateTimeOffset To,
    string Interval,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double Percent,
    long CandlesWritten,
    string? Error,
    IReadOnlyList<string> Errors,
    IReadOnlyList<BackfillItemView> Items);

/// <summary>One instrument of a backfill job: history is fetched up to <see cref="FetchedTo"/>.</summary>
public sealed record BackfillItemView(
    int Token,
    string? Exchange,
    string? Tradingsymbol,
    string Status,
    DateTimeOffset? FetchedTo,
    int CandlesWritten,
    double Percent,
    string? Error);
