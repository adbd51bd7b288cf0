using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>The Kite session in Redis until 06:00 IST, encrypted under a key derived from the api_secret.</summary>
public sealed class KiteSessionStore(IConnectionMultiplexer redis, IOptions<KiteOptions> options, TimeProvider time)
    : BrokerSessionStore(redis, time, Broker, "TradingHelper.Kite.AccessToken.v1", () => options.Value.ApiSecret)
{
    public const string Broker = "kite";
}
