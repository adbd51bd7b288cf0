namespace TradingHelper.Api.Market;

/// <summary>Where the prices come from: <c>market</c> is <c>simulated</c> (the market simulator) or <c>exchange</c> (NSE through <c>broker</c>).</summary>
public sealed record MarketView(string Broker, string Market);
