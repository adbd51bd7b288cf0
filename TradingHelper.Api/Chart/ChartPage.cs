using Microsoft.AspNetCore.Http.HttpResults;

namespace TradingHelper.Api.Chart;

/// <summary>The live chart at <c>/chart</c>: its page, with scripts and styles under <c>wwwroot/chart</c> and <c>wwwroot/lib</c>.</summary>
public static class ChartPage
{
    public static IEndpointRouteBuilder MapChartPage(this IEndpointRouteBuilder app)
    {
        // Routing matches "/chart" and "/chart/" alike; the page links its assets by absolute path so both work.
        app.MapGet("/chart", GetChartPage).ExcludeFromDescription();
        return app;
    }

    // Through the web root's file provider: run from a build folder in Development, wwwroot is the project's, mapped by static web assets.
    private static Results<FileStreamHttpResult, ProblemHttpResult> GetChartPage(IWebHostEnvironment environment)
    {
        var page = environment.WebRootFileProvider.GetFileInfo("chart/index.html");
        return page.Exists
            ? TypedResults.Stream(page.CreateReadStream(), "text/html; charset=utf-8")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Chart page not deployed", detail: "wwwroot/chart/index.html is missing from this build.");
    }
}
