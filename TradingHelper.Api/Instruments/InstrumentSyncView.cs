namespace TradingHelper.Api.Instruments;

/// <summary>
/// An instrument sync asked for through the Api: queued until the Ingestor takes the command, then running, succeeded
/// (with how many instruments were written and newly expired) or failed (with the reason; the Ingestor retries the command).
/// </summary>
public sealed record InstrumentSyncView(
    Guid Id,
    string Status,
    IReadOnlyList<string>? Exchanges,
    int? Written,
    int? Expired,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt);
