using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Core.Commands;

/// <summary>Where and how commands travel from the Api to the Ingestor, bound from the <c>Commands</c> section.</summary>
public sealed partial class CommandStreamOptions
{
    public const string SectionName = "Commands";

    [Required]
    public string StreamKey { get; set; } = "tradinghelper:commands";

    [Required]
    public string ConsumerGroup { get; set; } = "ingestor";

    /// <summary>Commands that failed for good land here with the reason.</summary>
    [Required]
    public string DeadLetterStreamKey { get; set; } = "tradinghelper:commands:dead";

    /// <summary>This consumer's name within the group; defaults to host name and process id.</summary>
    public string? ConsumerName { get; set; }

    /// <summary>Deliveries after which a failing command is dead-lettered instead of retried.</summary>
    [Range(1, 100)]
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How long a delivered but unacknowledged command waits before another delivery is tried.</summary>
    [TimeSpanRange("00:00:00.100", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Pause between polls when the stream is empty (StackExchange.Redis cannot block on XREADGROUP).</summary>
    [TimeSpanRange("00:00:00.010", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The stream is trimmed to about this many entries so it cannot grow without bound.</summary>
    [Range(100, 10_000_000)]
    public int MaxLength { get; set; } = 100_000;

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<CommandStreamOptions>
    {
    }
}
