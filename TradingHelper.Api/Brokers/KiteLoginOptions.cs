namespace TradingHelper.Api.Brokers;

/// <summary>What the Api needs for the Kite login redirect, bound from the <c>Kite</c> section: only the api_key, which is not a secret.</summary>
public sealed class KiteLoginOptions
{
    public const string SectionName = "Kite";

    public string? ApiKey { get; set; }

    /// <summary>Kite's login page.</summary>
    public Uri LoginUrl { get; set; } = new("https://kite.zerodha.com/connect/login");

    /// <summary>How long the callback waits for the Ingestor to complete the login.</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
