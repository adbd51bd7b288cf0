using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Core.Streaming;

/// <summary>Where live ticks travel through Redis, bound from the <c>LiveTicks</c> section.</summary>
public sealed class LiveTickOptions
{
    public const string SectionName = "LiveTicks";

    /// <summary>The pub/sub channel that carries batches of ticks (pub/sub channels ignore the logical database).</summary>
    [Required]
    public string Channel { get; set; } = "tradinghelper:ticks";

    /// <summary>The hash holding the latest tick per instrument: field = instrument id, value = tick JSON.</summary>
    [Required]
    public string QuotesKey { get; set; } = "tradinghelper:quotes";
}
