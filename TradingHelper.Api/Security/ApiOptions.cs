using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Security;

/// <summary>The Api's front-door settings, bound from the <c>Api</c> section.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>The key mutating requests must send in <c>X-Api-Key</c>; required in Production.</summary>
    [MinLength(16)]
    public string? ApiKey { get; set; }

    /// <summary>Requests whose body is larger than this are refused with 413.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
