using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Instruments;

/// <summary>An optional body of <c>POST /api/instruments/sync</c>: limit the sync to some exchanges.</summary>
public sealed record SyncInstrumentsRequest : IValidatableObject
{
    /// <summary>Exchanges the broker's instrument list is filtered to.</summary>
    public static readonly string[] KnownExchanges = ["NSE", "NFO", "BSE", "BFO", "MCX", "CDS"];

    /// <summary>Exchanges to sync (NSE, NFO, BSE, BFO, MCX, CDS); all when omitted.</summary>
    [MaxLength(6)]
    public string[]? Exchanges { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < (Exchanges?.Length ?? 0); i++)
        {
            if (!KnownExchanges.Contains(Exchanges![i], StringComparer.OrdinalIgnoreCase))
            {
                yield return new ValidationResult(
                    $"Unknown exchange; expected one of {string.Join(", ", KnownExchanges)}.",
                    [$"{nameof(Exchanges)}[{i}]"]);
            }
        }
    }
}
