using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Market;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers;

/// <summary>Which broker feeds the Ingestor, bound from the <c>Broker</c> section.</summary>
public sealed partial class BrokerOptions
{
    public const string SectionName = "Broker";

    /// <summary><c>simulator</c> (default; Kite's protocols against the local market simulator), <c>kite</c> or <c>fyers</c>.</summary>
    [RegularExpression("^(simulator|kite|fyers)$", ErrorMessage = "Broker:Kind must be simulator, kite or fyers.")]
    public string Kind { get; set; } = "simulator";

    /// <summary>True when the Kite client (real or simulated) is the feed.</summary>
    public bool UsesKite => Kind is "kite" or "simulator";

    /// <summary>
    /// When the market trades: <c>nse</c> (09:15–15:30 IST, Monday to Friday), <c>always</c> (the simulator's
    /// around-the-clock market) or <c>auto</c> (default: <c>always</c> for the simulator, <c>nse</c> for a broker).
    /// </summary>
    [RegularExpression("^(auto|nse|always)$", ErrorMessage = "Broker:MarketHours must be auto, nse or always.")]
    public string MarketHours { get; set; } = "auto";

    public MarketHours ResolveMarketHours() => Core.Market.MarketHours.Resolve(MarketHours, Kind);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<BrokerOptions>
    {
    }
}
