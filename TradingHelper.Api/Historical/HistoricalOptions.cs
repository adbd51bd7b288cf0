using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Api.Historical;

/// <summary>Limits of the historical routes, bound from <c>Api:Historical</c>.</summary>
public sealed class HistoricalOptions
{
    public const string SectionName = "Api:Historical";

    /// <summary>
    /// The longest span one backfill job may cover. The Ingestor always fetches minute history (coarser candles are built
    /// from it), and Kite serves minute history in 60-day windows, so one job is at most one such window per instrument.
    /// </summary>
    [TimeSpanRange("00:01:00", "3650.00:00:00")]
    public TimeSpan MaxBackfillRange { get; set; } = TimeSpan.FromDays(60);

    /// <summary>Most instruments in one backfill job.</summary>
    [Range(1, 100_000)]
    public int MaxBackfillTokens { get; set; } = 1000;

    /// <summary>Most candles one candle request may ask for; a wider range needs a coarser interval.</summary>
    [Range(1, 1_000_000)]
    public int MaxCandles { get; set; } = 10_000;
}
