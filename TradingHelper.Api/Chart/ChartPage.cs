namespace TradingHelper.Api.Chart;

/// <summary>The live chart at <c>/chart</c>, static files under <c>wwwroot/chart</c> served by the static file middleware.</summary>
public static class ChartPage
{
    public static IEndpointRouteBuilder MapChartPage(this IEndpointRouteBuilder app)
    {
        // Relative asset links in the page resolve only under "/chart/".
        app.MapGet("/chart", () => TypedResults.Redirect("/chart/")).ExcludeFromDescription();
        return app;
    }
}
