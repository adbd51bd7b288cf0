using System.ComponentModel.DataAnnotations;
using TradingHelper.Core.Configuration;

namespace TradingHelper.Api.Streaming;

/// <summary>Limits of the live tick WebSocket, bound from <c>Api:WebSocket</c>.</summary>
public sealed class TickStreamOptions
{
    public const string SectionName = "Api:WebSocket";

    /// <summary>Connections one Api instance serves; the next is closed with a policy-violation status.</summary>
    [Range(1, 100_000)]
    public int MaxClients { get; set; } = 500;

    /// <summary>Instruments one connection may subscribe to at once.</summary>
    [Range(1, 100_000)]
    public int MaxTokensPerClient { get; set; } = 1000;

    /// <summary>Largest client message; a longer one is discarded with an error message.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How often the server pings an idle connection so proxies keep it open and dead peers are noticed.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for the pong before the connection is given up.</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
