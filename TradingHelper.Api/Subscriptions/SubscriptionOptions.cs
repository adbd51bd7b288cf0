using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Subscriptions;

/// <summary>Limits of the subscription routes, bound from <c>Api:Subscriptions</c>.</summary>
public sealed class SubscriptionOptions
{
    public const string SectionName = "Api:Subscriptions";

    /// <summary>Most instruments in one subscribe or unsubscribe request (one Kite connection holds 3,000).</summary>
    [Range(1, 100_000)]
    public int MaxTokensPerRequest { get; set; } = 3000;
}
