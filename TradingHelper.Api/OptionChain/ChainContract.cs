namespace TradingHelper.Api.OptionChain;

/// <summary>One option of a chain as stored: its contract, its last quote of the day (if any) and where it closed the day before.</summary>
public sealed record ChainContract(
    int Token,
    string TradingSymbol,
    decimal Strike,
    bool IsCall,
    int LotSize,
    ChainQuote? Quote,
    decimal? PreviousClose,
    long? PreviousOi);
