using Microsoft.AspNetCore.Http.HttpResults;

namespace TradingHelper.Api.Subscriptions;

/// <summary>Routes under <c>/api/subscriptions</c>; changes go through <c>POST /api/instruments/subscribe</c> and <c>/unsubscribe</c>.</summary>
public static class SubscriptionsApi
{
    public static RouteGroupBuilder MapSubscriptionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/subscriptions").WithTags("Subscriptions");

        api.MapGet("", GetSubscriptions)
            .WithName(nameof(GetSubscriptions))
            .WithSummary("List the active subscriptions")
            .WithDescription("Every instrument the Ingestor is asked to capture, with its feed mode and instrument details.");

        return api;
    }

    public static async Task<Ok<SubscriptionList>> GetSubscriptions(SubscriptionStore store, CancellationToken cancellationToken)
    {
        var subscriptions = await store.GetActiveAsync(cancellationToken);
        return TypedResults.Ok(new SubscriptionList(subscriptions.Count, subscriptions));
    }
}
