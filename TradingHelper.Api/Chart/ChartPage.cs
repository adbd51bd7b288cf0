namespace TradingHelper.Api.Chart;

/// <summary>The live chart at <c>/chart</c>: its page, with scripts and styles under <c>wwwroot/chart</c> and <c>wwwroot/lib</c>.</summary>
public static class ChartPage
{
    public static IEndpointRouteBuilder MapChartPage(this IEndpointRouteBuilder app)
    {
        // Routing matches "/chart" and "/chart/" alike; the page links its assets by absolute path so both work.
        app.MapGet("/chart", (IWebHostEnvironment environment) =>
                TypedResults.PhysicalFile(Path.Combine(environment.WebRootPath, "chart", "index.html"), "text/html; charset=utf-8"))
            .ExcludeFromDescription();
        return app;
    }
}
