namespace TradingHelper.Core.Brokers.Kite;

/// <summary>One level of the order book: pending quantity at a price, in wire units, and how many orders make it up.</summary>
public readonly record struct KiteDepthLevel(uint Quantity, uint Price, ushort Orders)
{
    /// <summary>An all-zero level is how Kite sends a level with no orders.</summary>
    public bool IsEmpty => Quantity == 0 && Price == 0 && Orders == 0;
}
