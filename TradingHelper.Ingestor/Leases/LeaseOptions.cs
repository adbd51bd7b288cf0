using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Leases;

/// <summary>How instrument leases are held, bound from the <c>Leases</c> section.</summary>
public sealed partial class LeaseOptions
{
    public const string SectionName = "Leases";

    /// <summary>
    /// How long a lease outlives its last renewal: the longest a crashed Ingestor's instruments go unstreamed before
    /// another takes them over. Long enough to ride out a database hiccup or a long GC pause.
    /// </summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often leases are renewed and the set rebalanced; also how soon a new subscription is taken up.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<LeaseOptions>
    {
    }
}
