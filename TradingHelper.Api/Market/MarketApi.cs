using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace TradingHelper.Api.Market;

/// <summary>Route <c>/api/market</c>: whether the prices are NSE's or the market simulator's, for pages that must say so.</summary>
public static class MarketApi
{
    public static RouteGroupBuilder MapMarketApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/market").WithTags("Market");

        api.MapGet("", GetMarket)
            .WithName(nameof(GetMarket))
            .WithSummary("Where prices come from")
            .WithDescription("`market` is `simulated` when the Ingestor streams the built-in market simulator, `exchange` when a broker streams NSE.");

        return api;
    }

    public static Ok<MarketView> GetMarket(IOptions<MarketOptions> options) =>
        TypedResults.Ok(new MarketView(options.Value.Kind, MarketHealthChecks.MarketOf(options.Value.Kind)));
}
