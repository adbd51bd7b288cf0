using System.Runtime.CompilerServices;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Five depth levels held inline, so a tick with depth needs no heap allocation.</summary>
[InlineArray(Count)]
public struct KiteDepthLevels
{
    /// <summary>Kite's full mode carries five bid and five ask levels.</summary>
    public const int Count = 5;

    private KiteDepthLevel _level;
}
