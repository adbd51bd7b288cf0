using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using TradingHelper.Api.Validation;

namespace TradingHelper.Api.Gaps;

/// <summary>Routes under <c>/api/gaps</c>: the broker disconnects that lost ticks, and how their backfill went.</summary>
public static class GapsApi
{
    private static readonly TimeSpan DefaultRange = TimeSpan.FromDays(7);

    public static RouteGroupBuilder MapGapsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/gaps").WithTags("Feed gaps");

        api.MapGet("", GetGaps)
            .WithName(nameof(GetGaps))
            .WithSummary("List feed gaps")
            .WithDescription(
                "Broker disconnects overlapping [from, to) (default: the last 7 days), open ones included, newest first, at most 1,000: "
                + "instruments, duration, and the backfill job that refills the lost minutes with its status.");

        return api;
    }

    public static async Task<Results<Ok<FeedGapList>, ValidationProblem>> GetGaps(
        [Description("Start of the range; default 7 days before 'to'. ISO-8601 or a date; no offset means IST.")] MarketTime? from,
        [Description("End of the range; default now.")] MarketTime? to,
        [Description("Only gaps covering this instrument id.")] int? token,
        FeedGapStore store,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var end = to?.Value ?? now;
        var start = from?.Value ?? end - DefaultRange;
        var errors = new ValidationErrors();
        if (end <= start)
        {
            errors.Add("to", "to must be later than from.");
        }
        if (token is <= 0)
        {
            errors.Add("token", "token must be a positive instrument id.");
        }
        if (errors.Any)
        {
            return errors.ToProblem("Invalid gap request");
        }
        var gaps = await store.GetAsync(start, end, token, now, cancellationToken);
        return TypedResults.Ok(new FeedGapList(start, end, gaps.Count, gaps));
    }
}
