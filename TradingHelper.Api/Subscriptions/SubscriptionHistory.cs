using System.ComponentModel;

namespace TradingHelper.Api.Subscriptions;

/// <summary>
/// The one-minute history a subscribe asked for, of the instruments it made active: a backfill job to follow at
/// <see cref="Link"/>, or, when the job could not be recorded, no job and the <see cref="Error"/> (the subscription stands).
/// </summary>
public sealed record SubscriptionHistory(
    [property: Description("The backfill job (GET /api/historical/jobs/{jobId}); null when it could not be recorded.")] Guid? JobId,
    string? Link,
    string? CommandId,
    [property: Description("The 09:15 IST open of the earliest of the last Api:Subscriptions:HistoryDays NSE trading days.")] DateTimeOffset From,
    [property: Description("The start of the minute the subscription was made (exclusive): the minute under way comes from ticks.")] DateTimeOffset To,
    int Days,
    [property: Description("The instruments this subscribe made active; those already active have their history.")] IReadOnlyList<int> Tokens,
    [property: Description("Why no job was recorded; ask POST /api/historical/backfill for the same tokens, from and to.")] string? Error);
