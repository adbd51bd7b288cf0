namespace TradingHelper.Api.OptionChain;

/// <summary>The index the options are written on and its level the chain valued them at; price null when it has not ticked that day.</summary>
public sealed record ChainSpot(int Token, string TradingSymbol, decimal? Price, DateTimeOffset? Time);
