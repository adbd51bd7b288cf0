using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Market;

/// <summary>Which broker feeds the Ingestor and when its market trades, bound from the <c>Broker</c> section the Ingestor reads too: the Api only reports them.</summary>
public sealed class MarketOptions
{
    public const string SectionName = "Broker";

    /// <summary><c>simulator</c> (the default, as for the Ingestor), <c>kite</c> or <c>fyers</c>.</summary>
    [RegularExpression("^(simulator|kite|fyers)$", ErrorMessage = "Broker:Kind must be simulator, kite or fyers.")]
    public string Kind { get; set; } = MarketHealthChecks.SimulatorBroker;

    /// <summary><c>auto</c> (default), <c>nse</c> or <c>always</c>, resolved by the Ingestor's rule (<see cref="Core.Market.MarketHours.Resolve"/>).</summary>
    [RegularExpression("^(auto|nse|always)$", ErrorMessage = "Broker:MarketHours must be auto, nse or always.")]
    public string MarketHours { get; set; } = "auto";
}
