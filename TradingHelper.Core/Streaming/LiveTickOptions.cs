using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Core.Streaming;

/// <summary>Where live ticks travel through Redis, bound from the <c>LiveTicks</c> section.</summary>
public sealed partial class LiveTickOptions
{
    public const string SectionName = "LiveTicks";

    /// <summary>The pub/sub channel that carries batches of ticks (pub/sub channels ignore the logical database).</summary>
    [Required]
    public string Channel { get; set; } = "tradinghelper:ticks";

    /// <summary>The hash holding the latest tick per instrument: field = instrument id, value = tick JSON.</summary>
    [Required]
    public string QuotesKey { get; set; } = "tradinghelper:quotes";

    /// <summary>Pause between batches of <see cref="LiveTickBatcher"/>; small, as it counts against the 50 ms tick-to-browser budget.</summary>
    [TimeSpanRange("00:00:00.001", "00:00:01")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Most ticks in one published message.</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 2_000;

    /// <summary>Ticks waiting for Redis before new ones are dropped.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<LiveTickOptions>
    {
    }
}
