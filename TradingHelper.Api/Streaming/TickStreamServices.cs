using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Api.Streaming;

/// <summary>What the live tick endpoint needs, injected as one <c>[AsParameters]</c> argument.</summary>
internal sealed record TickStreamServices(
    TickFanout Fanout,
    IConnectionMultiplexer Redis,
    IOptions<TickStreamOptions> Options,
    IOptions<LiveTickOptions> LiveTicks,
    TickStreamMetrics Metrics,
    ILoggerFactory LoggerFactory,
    IHostApplicationLifetime Lifetime);
