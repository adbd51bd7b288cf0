using System.ComponentModel;

namespace TradingHelper.Api.Subscriptions;

/// <summary>The body of <c>POST /api/instruments/subscribe</c> and <c>/unsubscribe</c>.</summary>
public sealed record SubscriptionRequest
{
    /// <summary>Instrument ids (the <c>token</c> of <c>GET /api/instruments</c>); duplicates count once.</summary>
    [Description("Instrument ids (the token field of GET /api/instruments), 1 to Api:Subscriptions:MaxTokensPerRequest (3000); duplicates count once.")]
    public int[]? Tokens { get; init; }

    /// <summary>Feed mode for subscribe: ltp, quote or full (default full); ignored by unsubscribe.</summary>
    [Description("Feed mode for subscribe: ltp, quote or full (default full). Ignored by unsubscribe.")]
    public string? Mode { get; init; }
}
