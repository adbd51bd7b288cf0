using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Core.Storage;

/// <summary>Database schema settings, bound from the <c>Storage</c> section.</summary>
public sealed partial class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><c>auto</c> (default: TimescaleDB when the server offers it with the Timescale licence), <c>timescale</c> or <c>postgres</c>.</summary>
    [RegularExpression("^(auto|timescale|postgres)$", ErrorMessage = "Storage:Profile must be auto, timescale or postgres.")]
    public string Profile { get; set; } = "auto";

    /// <summary>Apply the migrations in <c>sql/</c> at start-up.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>How long raw ticks are kept.</summary>
    [TimeSpanRange("1.00:00:00", "3650.00:00:00", ErrorMessage = "Storage:TickRetention must be between 1 day and 10 years.")]
    public TimeSpan TickRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Postgres profile: how many days of tick partitions exist ahead of today (IST).</summary>
    [Range(1, 60, ErrorMessage = "Storage:PartitionsAhead must be between 1 and 60 days.")]
    public int PartitionsAhead { get; set; } = 3;

    /// <summary>Postgres profile: how often partitions are created ahead and dropped past retention.</summary>
    [TimeSpanRange("00:01:00", "1.00:00:00", ErrorMessage = "Storage:MaintenanceInterval must be between 1 minute and 1 day.")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<StorageOptions>
    {
    }
}
