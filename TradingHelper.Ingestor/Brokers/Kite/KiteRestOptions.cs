using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>How the Kite REST client retries and when the daily jobs run; bound from the <c>Kite</c> section beside <see cref="KiteOptions"/>.</summary>
public sealed partial class KiteRestOptions
{
    /// <summary>Attempts per request for retryable failures (429, NetworkException, 5xx, a non-JSON body, a timeout).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    [TimeSpanRange("00:00:00.010", "00:01:00")]
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt's limit; the instrument dump is tens of megabytes on real Kite.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>IST time of the daily instrument sync; Kite publishes the dump around 08:00 and suggests 08:30.</summary>
    [TimeSpanRange("00:00:00", "23:59:59")]
    public TimeSpan InstrumentSyncTime { get; set; } = new(8, 30, 0);

    /// <summary>How often the session keeper checks for expiry and for a token another Ingestor stored.</summary>
    [TimeSpanRange("00:00:00.050", "00:10:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<KiteRestOptions>
    {
    }
}
