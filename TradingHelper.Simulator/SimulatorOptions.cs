using System.ComponentModel.DataAnnotations;
using TradingHelper.Simulator.Market;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Simulator;

/// <summary>How the simulated market behaves; bound from the <c>Simulator</c> section and validated at start-up.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Seeds the universe's prices and every random walk, so runs can be repeated.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = 42;

    /// <summary>Ticks per second each connection streams across its subscribed set.</summary>
    [Range(1, 1_000_000)]
    public int TicksPerSecond { get; set; } = 1000;

    [Range(1, 65_535)]
    public int MaxPacketsPerFrame { get; set; } = 500;

    [Required(AllowEmptyStrings = false)]
    public string ApiKey { get; set; } = "sim_api_key";

    [Required(AllowEmptyStrings = false)]
    public string ApiSecret { get; set; } = "sim_api_secret";

    /// <summary>An access token accepted without a login, for services configured ahead of time; empty for none.</summary>
    public string? StaticAccessToken { get; set; } = "sim_access_token";

    /// <summary>Kite sends a one-byte message about once a second when it has nothing to stream.</summary>
    [TimeSpanRange("00:00:00.050", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 100_000)]
    public int MaxInstrumentsPerConnection { get; set; } = 3000;

    /// <summary>
    /// When the simulated exchange trades. <see cref="SessionMode.Always"/> (the default, so a newcomer in the evening still
    /// sees prices move): ticks around the clock, and today's history has every minute. <see cref="SessionMode.Realistic"/>: NSE's weekday
    /// 09:15–15:30 IST session only; outside it the sockets send heartbeats and no ticks. Past days' history has the
    /// weekday session in both modes.
    /// </summary>
    [EnumDataType(typeof(SessionMode))]
    public SessionMode Session { get; set; } = SessionMode.Always;

    /// <summary>A Fyers data-socket <c>hsm_key</c> accepted without issuing a token; empty for none.</summary>
    public string? FyersHsmKey { get; set; } = "0123456789abcdef0123456789abcdef0123456789abcdef01234567";

    /// <summary>The secret of the simulator's Fyers app (App ID <c>SIMFYERS-100</c>): <c>validate-authcode</c> checks the <c>appIdHash</c> against it.</summary>
    [Required(AllowEmptyStrings = false)]
    public string FyersSecretKey { get; set; } = "sim_fyers_secret";

    /// <summary>The ack count the Fyers auth response announces: the client acks every this many data frames (0 = never).</summary>
    [Range(0, 10_000)]
    public int FyersAckInterval { get; set; } = 10;

    /// <summary>Fyers' cap on concurrently subscribed symbols (per API key on the real service).</summary>
    [Range(1, 100_000)]
    public int FyersMaxTopicsPerConnection { get; set; } = 5000;

    /// <summary>Fyers' REST limit per rolling second (standard and Prime plans: 10); a request over it is a breach, answered 429.</summary>
    [Range(1, 1_000)]
    public int FyersHistoryPerSecond { get; set; } = 10;

    /// <summary>Fyers' REST limit per rolling minute (standard plan: 200; Prime: 600).</summary>
    [Range(1, 100_000)]
    public int FyersHistoryPerMinute { get; set; } = 200;

    /// <summary>Fyers' REST limit per IST day (standard plan: 100,000; Prime: 200,000).</summary>
    [Range(1, 10_000_000)]
    public long FyersHistoryPerDay { get; set; } = 100_000;

    /// <summary>
    /// Synthetic stocks (each with a monthly future) added to the universe, so load tests can subscribe more
    /// instruments than the real list of about 188 offers; 0 keeps the universe as it is.
    /// </summary>
    [Range(0, 20_000)]
    public int ExtraStocks { get; set; }
}
