using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Configuration;
using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>Fyers API v3 settings, bound from the <c>Fyers</c> section. Secrets here never reach logs or metrics.</summary>
public sealed partial class FyersOptions
{
    public const string SectionName = "Fyers";

    /// <summary>The data socket; the simulator's is <c>ws://127.0.0.1:5090/hsm/v1-5/prod</c>.</summary>
    [Required]
    public Uri DataSocketUrl { get; set; } = new("wss://socket.fyers.in/hsm/v1-5/prod");

    /// <summary>The REST root for history; the simulator's is <c>http://127.0.0.1:5090/</c>.</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api-t1.fyers.in/");

    /// <summary>The App ID (e.g. <c>XC4XXXXM-100</c>); the data socket never sees it, the REST side and the daily login do.</summary>
    public string? AppId { get; set; }

    /// <summary>The app's secret, for the daily login's <c>appIdHash</c>; the data socket never sees it.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Today's access token, <c>APP_ID:JWT</c> or the bare JWT; it lapses at about 06:00 IST the next day.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The client string sent in the authentication frame.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Source { get; set; } = "TradingHelper-1.0";

    /// <summary>Silence after which the socket is presumed dead and redialled; Fyers sends no heartbeat, so quiet markets need a long one (the spec suggests 90 s).</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>How often the client heartbeat <c>00 01 0b</c> is sent.</summary>
    [TimeSpanRange("00:00:00.100", "00:05:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>WebSocket ping interval; a pong missing for <see cref="KeepAliveTimeout"/> drops the socket.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the authentication answer before redialling.</summary>
    [TimeSpanRange("00:00:01", "00:05:00")]
    public TimeSpan AuthenticationTimeout { get; set; } = TimeSpan.FromSeconds(15);

    [TimeSpanRange("00:00:00.050", "00:01:00")]
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A connection that stayed up this long starts its next backoff from the initial delay again.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan HealthyConnectionPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a refused or unusable token waits before it is read and tried again (a config reload wakes it sooner).</summary>
    [TimeSpanRange("00:00:00.050", "01:00:00")]
    public TimeSpan TokenRetryInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the session is checked: a login stored by another Ingestor adopted, the status for the Api refreshed.</summary>
    [TimeSpanRange("00:00:00.050", "00:10:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan SubscriptionRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Topics per subscribe frame; the SDKs' cap is 1500.</summary>
    [Range(1, FyersFrameWriter.MaxTopicsPerFrame)]
    public int MaxTopicsPerFrame { get; set; } = FyersFrameWriter.MaxTopicsPerFrame;

    /// <summary>Unique symbols one API key may stream at once (5000 per the Fyers KB); more are left unsubscribed and reported.</summary>
    [Range(1, 5000)]
    public int MaxSymbols { get; set; } = 5000;

    /// <summary>Where the public symbol-master CSVs live; the simulator serves them at <c>http://127.0.0.1:5090/sym_details/</c>.</summary>
    [Required]
    public Uri SymbolMasterUrl { get; set; } = new("https://public.fyers.in/sym_details/");

    /// <summary>The symbol-master files to sync (NSE cash and F&amp;O by default; BSE_CM.csv, BSE_FO.csv, MCX_COM.csv also exist).</summary>
    public string[] SymbolMasterFiles { get; set; } = ["NSE_CM.csv", "NSE_FO.csv"];

    /// <summary>IST time of the daily symbol-master sync; new contracts appear every trading day.</summary>
    [TimeSpanRange("00:00:00", "23:59:59")]
    public TimeSpan SymbolMasterSyncTime { get; set; } = new(8, 30, 0);

    /// <summary>History requests in any rolling second, for every Ingestor under this key together (Fyers allows 10).</summary>
    [Range(1, 10)]
    public int HistoryRequestsPerSecond { get; set; } = 10;

    /// <summary>
    /// History requests in any rolling minute (Fyers allows 200, 600 on Prime; three breaches in a day block the user until
    /// midnight IST). The limiter is exact, so the default is the limit itself; set less to leave room for other tools.
    /// </summary>
    [Range(1, 600)]
    public int HistoryRequestsPerMinute { get; set; } = 200;

    /// <summary>History requests per IST day (Fyers allows 100,000, 200,000 on Prime); once spent, history requests fail until midnight IST.</summary>
    [Range(1, 200_000)]
    public int HistoryRequestsPerDay { get; set; } = 100_000;

    /// <summary>Wait before a history request Fyers answered 429 is tried again, through the limiter.</summary>
    [TimeSpanRange("00:00:00.010", "00:10:00")]
    public TimeSpan HistoryRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of one history request, the first included, while Fyers answers 429; 1 never retries.</summary>
    [Range(1, 10)]
    public int HistoryMaxAttempts { get; set; } = 3;

    /// <summary>Longest one REST download may take.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Checks the data annotations above in generated code, without reflection (Native AOT).</summary>
    [OptionsValidator]
    internal sealed partial class Validator : IValidateOptions<FyersOptions>
    {
    }
}
