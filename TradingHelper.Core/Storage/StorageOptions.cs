using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Core.Storage;

/// <summary>Database schema settings, bound from the <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary><c>auto</c> (default: TimescaleDB when the server offers it with the Timescale licence), <c>timescale</c> or <c>postgres</c>.</summary>
    [RegularExpression("^(auto|timescale|postgres)$", ErrorMessage = "Storage:Profile must be auto, timescale or postgres.")]
    public string Profile { get; set; } = "auto";

    /// <summary>Apply the migrations in <c>sql/</c> at start-up.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>How long raw ticks are kept.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "Storage:TickRetention must be between 1 day and 10 years.")]
    public TimeSpan TickRetention { get; set; } = TimeSpan.FromDays(7);
}
