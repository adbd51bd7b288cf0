using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Ingestor.Brokers;

/// <summary>Which broker feeds the Ingestor, bound from the <c>Broker</c> section.</summary>
public sealed class BrokerOptions
{
    public const string SectionName = "Broker";

    /// <summary><c>simulator</c> (default; Kite's protocols against the local market simulator), <c>kite</c> or <c>fyers</c>.</summary>
    [RegularExpression("^(simulator|kite|fyers)$", ErrorMessage = "Broker:Kind must be simulator, kite or fyers.")]
    public string Kind { get; set; } = "simulator";

    /// <summary>True when the Kite client (real or simulated) is the feed.</summary>
    public bool UsesKite => Kind is "kite" or "simulator";
}
