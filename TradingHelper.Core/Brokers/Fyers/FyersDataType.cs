namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The feed a topic asks for: quotes (<c>sf</c>, or <c>if</c> for an index) or five-level depth (<c>dp</c>).</summary>
public enum FyersDataType
{
    SymbolUpdate,
    DepthUpdate,
}
