using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite Connect settings, bound from the <c>Kite</c> section. Secrets here never reach logs or metrics.</summary>
public sealed partial class KiteOptions
{
    public const string SectionName = "Kite";

    /// <summary>The ticker WebSocket; the simulator's is <c>ws://127.0.0.1:5090/</c>.</summary>
    [Required]
    public Uri TickerUrl { get; set; } = new("wss://ws.kite.trade/");

    /// <summary>The REST root; the simulator's is <c>http://127.0.0.1:5090</c>.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.kite.trade");

    /// <summary>Where the daily login starts.</summary>
    [Required]
    public Uri LoginUrl { get; set; } = new("https://kite.zerodha.com/connect/login");

    public string? ApiKey { get; set; }

    public string? ApiSecret { get; set; }

    /// <summary>An access token to start with (the simulator's static token, or one obtained elsewhere today).</summary>
    public string? AccessToken { get; set; }

    /// <summary>Silence after which a ticker socket is presumed dead and redialled (heartbeats count as data).</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [TimeSpanRange("00:00:00.050", "00:01:00")]
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that stayed up this long starts its next backoff from the initial delay again.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan HealthyConnectionPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the subscription set is reloaded even without a sync command, so a lost command cannot leave the feed wrong.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan SubscriptionRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Kite's limit per connection.</summary>
    [Range(1, 3000)]
    public int MaxInstrumentsPerConnection { get; set; } = 3000;

    /// <summary>Kite's limit per API key.</summary>
    [Range(1, 3)]
    public int MaxConnections { get; set; } = 3;

    /// <summary>Kite allows 3 history requests per second per API key.</summary>
    [Range(0.1, 10)]
    public double HistoryRequestsPerSecond { get; set; } = 3;

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<KiteOptions>
    {
    }
}
