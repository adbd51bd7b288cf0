using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>How backfill jobs and feed-gap backfills are picked up, bound from the <c>Backfill</c> section.</summary>
public sealed partial class BackfillOptions
{
    public const string SectionName = "Backfill";

    /// <summary>How often closed feed gaps without a job, and jobs left queued or running, are looked for.</summary>
    [TimeSpanRange("00:00:00.050", "01:00:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after a gap closed its last minute is left to settle at the broker before it is fetched.</summary>
    [TimeSpanRange("00:00:00", "01:00:00")]
    public TimeSpan GapSettleDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<BackfillOptions>
    {
    }
}
