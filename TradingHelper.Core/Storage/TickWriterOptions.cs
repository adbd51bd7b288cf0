using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Core.Storage;

/// <summary>Batching, back-pressure and spool settings of the <see cref="TickWriter"/>, bound from the <c>TickWriter</c> section.</summary>
public sealed partial class TickWriterOptions : IValidatableObject
{
    public const string SectionName = "TickWriter";

    /// <summary>A batch is written once it holds this many ticks.</summary>
    /// <remarks>
    /// Only reached when the writer is behind (a steady 100k ticks/s fills about 10,000 per interval). Room for large
    /// batches is what lets it catch up: a commit's fixed cost (transaction, batch claim, fsync) is paid once per batch,
    /// and the load test measured 5,000-tick batches saturating near 100k ticks/s on 2 cores (see TradingHelper.LoadTest/RESULTS.md).
    /// </remarks>
    [Range(1, 1_000_000, ErrorMessage = "TickWriter:BatchSize must be between 1 and 1,000,000.")]
    public int BatchSize { get; set; } = 20_000;

    /// <summary>A batch is written at the latest this long after its first tick was received.</summary>
    /// <remarks>50 ms keeps tick → committed p99 under design.md's 100 ms at a few thousand ticks/s (wait + commit).</remarks>
    [TimeSpanRange("00:00:00.001", "00:01:00", ErrorMessage = "TickWriter:FlushInterval must be between 1 ms and 1 minute.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Ticks waiting for the writer; when full, producers wait (back-pressure reaches the socket read loop).</summary>
    [Range(1, 10_000_000, ErrorMessage = "TickWriter:ChannelCapacity must be between 1 and 10,000,000.")]
    public int ChannelCapacity { get; set; } = 50_000;

    /// <summary>Where batches wait while the database is unreachable; relative paths start at the working directory.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TickWriter:SpoolDirectory is required.")]
    public string SpoolDirectory { get; set; } = Path.Combine("spool", "ticks");

    /// <summary>Disk the spool may use; at the cap the writer stops taking ticks rather than drop any.</summary>
    [Range(1048576d, double.MaxValue, ErrorMessage = "TickWriter:SpoolCapBytes must be at least 1 MiB.")]
    public long SpoolCapBytes { get; set; } = 1L << 30;

    /// <summary>Recorded with every batch in <c>ingest_batches.writer</c>, to tell Ingestor replicas apart.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TickWriter:WriterId is required.")]
    [StringLength(100, ErrorMessage = "TickWriter:WriterId must be at most 100 characters.")]
    public string WriterId { get; set; } = Environment.MachineName;

    /// <summary>How long replay waits before trying an unreachable database again.</summary>
    [TimeSpanRange("00:00:00.010", "00:05:00", ErrorMessage = "TickWriter:RetryInterval must be between 10 ms and 5 minutes.")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Room for several full batches, or a spool at its cap could never take the next one and replay would starve.
        var minimum = (long)TickSpoolFormat.RecordSize(BatchSize) * TickSpool.MinimumRecordsInCap;
        if (SpoolCapBytes < minimum)
        {
            yield return new ValidationResult(
                $"TickWriter:SpoolCapBytes must hold at least {TickSpool.MinimumRecordsInCap} batches of {BatchSize} ticks ({minimum} bytes).",
                [nameof(SpoolCapBytes)]);
        }
    }

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<TickWriterOptions>
    {
    }
}
