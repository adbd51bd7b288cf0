using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Api.Security;

/// <summary>How many mutating requests one client may send per window, bound from <c>Api:RateLimit</c>.</summary>
public sealed class ApiRateLimitOptions
{
    public const string SectionName = "Api:RateLimit";

    [Range(1, 100_000)]
    public int PermitLimit { get; set; } = 30;

    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
