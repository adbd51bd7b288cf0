using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace TradingHelper.Api.Security;

/// <summary>Lets a request through only when its <c>X-Api-Key</c> matches <c>Api:ApiKey</c>.</summary>
/// <remarks>
/// No key configured (possible outside Production) means mutating endpoints are switched off: 503, not 401,
/// because no client could fix it. Responses never contain the supplied or the configured key.
/// </remarks>
internal sealed class ApiKeyEndpointFilter(IOptionsMonitor<ApiOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var configured = options.CurrentValue.ApiKey;
        if (string.IsNullOrEmpty(configured))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "API key not configured",
                detail: "This endpoint changes state and is disabled until the server sets Api:ApiKey.");
        }

        var supplied = context.HttpContext.Request.Headers[ApiKeyRequirement.HeaderName];
        if (supplied.Count != 1 || !Matches(supplied[0]!, configured))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = $"{ApiKeyRequirement.SchemeName} header=\"{ApiKeyRequirement.HeaderName}\"";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or invalid API key",
                detail: $"Send the API key in the {ApiKeyRequirement.HeaderName} header.");
        }

        return await next(context);
    }

    private static bool Matches(string supplied, string configured)
    {
        // Hashing first makes both sides the same length, so neither the key nor its length leaks through timing.
        Span<byte> suppliedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> configuredHash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(supplied), suppliedHash);
        SHA256.HashData(Encoding.UTF8.GetBytes(configured), configuredHash);
        return CryptographicOperations.FixedTimeEquals(suppliedHash, configuredHash);
    }
}
