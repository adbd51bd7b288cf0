using Microsoft.AspNetCore.Http.HttpResults;

namespace TradingHelper.Api.Chart;

/// <summary>
/// The live chart at <c>/chart</c> and the live option chain at <c>/option-chain</c>: their pages, with scripts and styles under
/// <c>wwwroot/chart</c>, <c>wwwroot/option-chain</c> and <c>wwwroot/lib</c>.
/// </summary>
public static class ChartPage
{
    public static IEndpointRouteBuilder MapChartPage(this IEndpointRouteBuilder app)
    {
        // Routing matches "/chart" and "/chart/" alike; the page links its assets by absolute path so both work.
        app.MapGet("/chart", (IWebHostEnvironment environment) => Page(environment, "chart/index.html")).ExcludeFromDescription();
        app.MapGet("/option-chain", (IWebHostEnvironment environment) => Page(environment, "option-chain/index.html")).ExcludeFromDescription();
        return app;
    }

    // Through the web root's file provider: run from a build folder in Development, wwwroot is the project's, mapped by static web assets.
    private static Results<FileStreamHttpResult, ProblemHttpResult> Page(IWebHostEnvironment environment, string path)
    {
        var page = environment.WebRootFileProvider.GetFileInfo(path);
        return page.Exists
            ? TypedResults.Stream(page.CreateReadStream(), "text/html; charset=utf-8")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Page not deployed", detail: $"wwwroot/{path} is missing from this build.");
    }
}
