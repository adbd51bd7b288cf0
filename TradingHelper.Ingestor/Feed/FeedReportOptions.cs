using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Feed;

/// <summary>How often the Ingestor tells the Api about its broker feed, bound from the <c>FeedReport</c> section.</summary>
public sealed partial class FeedReportOptions
{
    public const string SectionName = "FeedReport";

    /// <summary>The period of the report; it expires after three missed ones, and the Api then says no Ingestor is there.</summary>
    [TimeSpanRange("00:00:00.100", "00:01:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<FeedReportOptions>
    {
    }
}
