using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Security;

/// <summary>Browser origins allowed to call the Api cross-origin, bound from <c>Api:Cors</c>; none by default.</summary>
public sealed class ApiCorsOptions : IValidatableObject
{
    public const string SectionName = "Api:Cors";

    public string[] AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < AllowedOrigins.Length; i++)
        {
            var origin = AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || uri.Scheme is not ("http" or "https")
                || uri.PathAndQuery != "/"
                || origin.EndsWith('/'))
            {
                yield return new ValidationResult(
                    $"Api:Cors:AllowedOrigins:{i} must be an origin such as https://example.com (scheme, host and port only).",
                    [nameof(AllowedOrigins)]);
            }
        }
    }
}
