using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Api.OptionChain;

/// <summary>The latest quotes of a chain's instruments from the Redis quotes hash the Ingestor keeps, in one HMGET.</summary>
public sealed class LiveChainQuotes(IConnectionMultiplexer redis, IOptions<LiveTickOptions> options)
{
    /// <summary>The quote of each token that has one, by token.</summary>
    public async Task<Dictionary<int, LiveTick>> GetAsync(IReadOnlyList<int> tokens, CancellationToken cancellationToken)
    {
        var fields = new RedisValue[tokens.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = tokens[i].ToString(CultureInfo.InvariantCulture);
        }
        var values = await redis.GetDatabase().HashGetAsync(options.Value.QuotesKey, fields).WaitAsync(cancellationToken);
        var quotes = new Dictionary<int, LiveTick>(tokens.Count);
        for (var i = 0; i < values.Length; i++)
        {
            if ((byte[]?)values[i] is { } json && LiveTickJson.IsTickOf(json, tokens[i]))
            {
                quotes[tokens[i]] = LiveTickJson.DeserializeTick(json);
            }
        }
        return quotes;
    }
}
