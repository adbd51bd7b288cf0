namespace TradingHelper.Api.Security;

/// <summary>Puts a route group behind the API key and the mutation rate limit.</summary>
internal static class ApiKeyEndpointConventions
{
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder builder)
    {
        builder.AddEndpointFilter<ApiKeyEndpointFilter>();
        builder.WithMetadata(ApiKeyRequirement.Instance);
        builder.RequireRateLimiting(MutationRateLimiter.PolicyName);
        builder.ProducesProblem(StatusCodes.Status401Unauthorized);
        builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        builder.ProducesProblem(StatusCodes.Status429TooManyRequests);
        builder.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return builder;
    }
}
