using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Ingestor.Leases;

/// <summary>How instrument leases are held, bound from the <c>Leases</c> section.</summary>
public sealed class LeaseOptions
{
    public const string SectionName = "Leases";

    /// <summary>
    /// How long a lease outlives its last renewal: the longest a crashed Ingestor's instruments go unstreamed before
    /// another takes them over. Long enough to ride out a database hiccup or a long GC pause.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often leases are renewed and the set rebalanced; also how soon a new subscription is taken up.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(1);
}
