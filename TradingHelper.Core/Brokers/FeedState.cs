using System.Text.Json.Serialization;

namespace TradingHelper.Core.Brokers;

/// <summary>Whether the broker feed streams what is subscribed, as the Ingestor's feed health check sees it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeedState>))]
public enum FeedState
{
    /// <summary>Nothing is subscribed, so no connection is needed.</summary>
    [JsonStringEnumMemberName("idle")]
    Idle,

    /// <summary>Every connection that has instruments is up.</summary>
    [JsonStringEnumMemberName("live")]
    Live,

    /// <summary>A needed connection is down, dialling or reconnecting.</summary>
    [JsonStringEnumMemberName("disconnected")]
    Disconnected,

    /// <summary>Instruments are subscribed but there is no usable access token: someone must log in to the broker.</summary>
    [JsonStringEnumMemberName("login-needed")]
    LoginNeeded,
}
