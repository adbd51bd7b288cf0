namespace TradingHelper.Api.Instruments;

/// <summary>One page of an instrument search: the matches, how many there are in all, and the link to the next page (null on the last).</summary>
public sealed record InstrumentPage(IReadOnlyList<InstrumentView> Items, long Total, int Page, int PageSize, string? Next);
