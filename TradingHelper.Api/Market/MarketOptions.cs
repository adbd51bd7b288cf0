using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.Market;

/// <summary>Which broker feeds the Ingestor, bound from the <c>Broker</c> section the Ingestor reads too: the Api only reports it.</summary>
public sealed class MarketOptions
{
    public const string SectionName = "Broker";

    /// <summary><c>simulator</c> (the default, as for the Ingestor), <c>kite</c> or <c>fyers</c>.</summary>
    [RegularExpression("^(simulator|kite|fyers)$", ErrorMessage = "Broker:Kind must be simulator, kite or fyers.")]
    public string Kind { get; set; } = MarketHealthChecks.SimulatorBroker;
}
