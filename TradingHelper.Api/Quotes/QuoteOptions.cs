using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Quotes;

/// <summary>Limits of <c>GET /api/quotes</c>, bound from <c>Api:Quotes</c>.</summary>
public sealed class QuoteOptions
{
    public const string SectionName = "Api:Quotes";

    /// <summary>Most instruments in one request; 500 ids of up to 7 digits keep the URL well inside Kestrel's 8 KiB request line.</summary>
    [Range(1, 1000)]
    public int MaxTokensPerRequest { get; set; } = 500;
}
