using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace TradingHelper.Api.Security;

/// <summary>Caps request bodies at <see cref="ApiOptions.MaxRequestBodyBytes"/>: refuses a declared larger body at once with 413.</summary>
/// <remarks>The server feature also stops a chunked body at the limit while it is read (Kestrel throws a 413 bad request).</remarks>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptionsMonitor<ApiOptions> options, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = options.CurrentValue.MaxRequestBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = $"The request body may be at most {limit} bytes.",
                },
            }).AsTask();
        }
        return next(context);
    }
}
