namespace TradingHelper.Api.Brokers;

/// <summary>What the Api needs for the Fyers login redirect, bound from the <c>Fyers</c> section: the App ID, which is not a secret.</summary>
public sealed class FyersLoginOptions
{
    public const string SectionName = "Fyers";

    /// <summary>The App ID (e.g. <c>XC4XXXXM-100</c>).</summary>
    public string? AppId { get; set; }

    /// <summary>Fyers' login page; the simulator's is <c>http://127.0.0.1:5090/api/v3/generate-authcode</c>.</summary>
    public Uri LoginUrl { get; set; } = new("https://api-t1.fyers.in/api/v3/generate-authcode");

    /// <summary>The redirect URI registered with the app; by default this Api's <c>/api/brokers/fyers/callback</c> as the browser reached it.</summary>
    public Uri? RedirectUrl { get; set; }

    /// <summary>How long the callback waits for the Ingestor to complete the login.</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
