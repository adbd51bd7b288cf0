using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TradingHelper.Api.Market;

/// <summary>What <see cref="MarketApi"/> reads: the broker settings, the Ingestor's feed report in Redis, and the clock.</summary>
public sealed record MarketServices(IOptions<MarketOptions> Options, IConnectionMultiplexer Redis, TimeProvider Time);
