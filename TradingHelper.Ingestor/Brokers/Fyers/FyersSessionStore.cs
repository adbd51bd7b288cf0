using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>The Fyers session in Redis until its JWT expires, encrypted under a key derived from the app's secret.</summary>
public sealed class FyersSessionStore(IConnectionMultiplexer redis, IOptions<FyersOptions> options, TimeProvider time)
    : BrokerSessionStore(redis, time, FyersFeed.BrokerName, "TradingHelper.Fyers.AccessToken.v1", () => options.Value.SecretKey);
