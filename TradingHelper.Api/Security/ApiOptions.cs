using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Security;

/// <summary>The Api's front-door settings, bound from the <c>Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    public const int MinApiKeyLength = 16;

    /// <summary>The key mutating requests must send in <c>X-Api-Key</c>: at least 16 characters, required in Production.</summary>
    /// <remarks>Empty counts as not set: mutating endpoints then answer 503.</remarks>
    public string? ApiKey { get; set; }

    /// <summary>Requests whose body is larger than this are refused with 413.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
