namespace TradingHelper.Api.Security;

/// <summary>Endpoint metadata marking a route that needs the <c>X-Api-Key</c> header.</summary>
public sealed class ApiKeyRequirement
{
    public const string HeaderName = "X-Api-Key";

    /// <summary>The name of the security scheme in the OpenAPI document.</summary>
    public const string SchemeName = "ApiKey";

    public static readonly ApiKeyRequirement Instance = new();

    private ApiKeyRequirement()
    {
    }
}
