using System.ComponentModel.DataAnnotations;

namespace TradingHelper.Api.OptionChain;

/// <summary>How <c>GET /api/option-chain</c> values options, bound from <c>Api:OptionChain</c>.</summary>
public sealed class OptionChainOptions
{
    public const string SectionName = "Api:OptionChain";

    /// <summary>
    /// The continuously compounded risk-free rate the implied volatility discounts at: about India's 91-day T-bill yield,
    /// and the rate the simulator prices at.
    /// </summary>
    [Range(0.0, 0.5)]
    public double RiskFreeRate { get; set; } = 0.065;

    /// <summary>
    /// The index each option underlying is written on, by its trading symbol in the instrument master: option contracts
    /// name their underlying (NIFTY) but the index itself trades as "NIFTY 50".
    /// </summary>
    [Required]
    public Dictionary<string, string> Indices { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NIFTY"] = "NIFTY 50",
        ["BANKNIFTY"] = "NIFTY BANK",
        ["FINNIFTY"] = "NIFTY FIN SERVICE",
        ["MIDCPNIFTY"] = "NIFTY MID SELECT",
        ["NIFTYNXT50"] = "NIFTY NEXT 50",
    };
}
