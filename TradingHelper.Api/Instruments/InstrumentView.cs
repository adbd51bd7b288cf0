namespace TradingHelper.Api.Instruments;

/// <summary>An instrument as the Api shows it; <see cref="Token"/> is the internal instrument id every other route takes.</summary>
public sealed record InstrumentView(
    int Token,
    long? KiteToken,
    string Exchange,
    string Tradingsymbol,
    string? Name,
    string Segment,
    string InstrumentType,
    string? Underlying,
    DateOnly? Expiry,
    decimal? Strike,
    decimal TickSize,
    int LotSize,
    bool IsExpired);
