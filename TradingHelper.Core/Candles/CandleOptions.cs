using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Core.Candles;

/// <summary>How the postgres profile keeps <c>candles_1m</c> current, bound from the <c>Candles</c> section.</summary>
public sealed partial class CandleOptions
{
    public const string SectionName = "Candles";

    /// <summary>How often the refresher recomputes recent candles.</summary>
    [TimeSpanRange("00:00:01", "01:00:00", ErrorMessage = "Candles:RefreshInterval must be between 1 second and 1 hour.")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far behind the last refresh each run starts again, so that late ticks reach their candle.</summary>
    [TimeSpanRange("00:01:00", "1.00:00:00", ErrorMessage = "Candles:RefreshLookback must be between 1 minute and 1 day.")]
    public TimeSpan RefreshLookback { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The largest share of time the refresher may keep the database busy; slow runs wait longer before the next.</summary>
    [Range(0.05, 1.0, ErrorMessage = "Candles:MaxBusyShare must be between 0.05 and 1.")]
    public double MaxBusyShare { get; set; } = 0.25;

    /// <summary>The largest span of ticks recomputed in one transaction while catching up after an outage.</summary>
    [TimeSpanRange("00:01:00", "1.00:00:00", ErrorMessage = "Candles:CatchUpStep must be between 1 minute and 1 day.")]
    public TimeSpan CatchUpStep { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<CandleOptions>
    {
    }
}
