using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Subscriptions;

/// <summary>Limits of the subscription routes, bound from <c>Api:Subscriptions</c>.</summary>
public sealed class SubscriptionOptions
{
    public const string SectionName = "Api:Subscriptions";

    /// <summary>Most instruments in one subscribe or unsubscribe request (one Kite connection holds 3,000).</summary>
    [Range(1, 100_000)]
    public int MaxTokensPerRequest { get; set; } = 3000;

    /// <summary>
    /// NSE trading days of one-minute broker history a subscribe backfills for the instruments it makes active (today
    /// counts when it is a weekday); 0 fetches none. Forty weekdays span under 60 calendar days: one Kite minute-history
    /// request per instrument.
    /// </summary>
    [Range(0, 40)]
    public int HistoryDays { get; set; } = 5;
}
