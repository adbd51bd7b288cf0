using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Api.Streaming;

/// <summary>
/// The Api instance's one subscription to the live tick channel, fanned out to every connected client that
/// subscribed to the tick's instrument.
/// </summary>
internal sealed partial class TickFanout(
    IConnectionMultiplexer redis,
    IOptions<LiveTickOptions> liveTicks,
    IOptions<TickStreamOptions> options,
    TickStreamMetrics metrics,
    TimeProvider timeProvider,
    ILogger<TickFanout> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<int, TickClient[]> _routes = new();
    private readonly Lock _routesGate = new();
    private int _clients;
    private ChannelMessageQueue? _queue;

    /// <summary>Admits one more client unless the instance is full; pair with <see cref="Leave"/>.</summary>
    public bool TryJoin()
    {
        if (Interlocked.Increment(ref _clients) > options.Value.MaxClients)
        {
            Interlocked.Decrement(ref _clients);
            return false;
        }
        metrics.Clients.Add(1);
        return true;
    }

    /// <summary>Forgets a departing client and frees its place.</summary>
    public void Leave(TickClient client)
    {
        Unroute(client, client.Tokens());
        Interlocked.Decrement(ref _clients);
        metrics.Clients.Add(-1);
    }

    public void Route(TickClient client, int[] tokens)
    {
        lock (_routesGate)
        {
            foreach (var token in tokens)
            {
                // Arrays are replaced, never changed, so the dispatch loop reads them without a lock.
                _routes[token] = _routes.TryGetValue(token, out var clients) ? [.. clients, client] : [client];
            }
        }
    }

    public void Unroute(TickClient client, int[] tokens)
    {
        lock (_routesGate)
        {
            foreach (var token in tokens)
            {
                if (!_routes.TryGetValue(token, out var clients))
                {
                    continue;
                }
                var remaining = Array.FindAll(clients, other => !ReferenceEquals(other, client));
                if (remaining.Length == 0)
                {
                    _routes.TryRemove(token, out _);
                }
                else
                {
                    _routes[token] = remaining;
                }
            }
        }
    }

    /// <summary>Subscribes before the host finishes starting, so no client can connect ahead of the subscription.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue = await TrySubscribeAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ticks = new List<RawTick>(256);
        while (!stoppingToken.IsCancellationRequested)
        {
            var queue = _queue ?? await TrySubscribeAsync();
            _queue = null;
            if (queue is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            try
            {
                // Drained by a loop that never waits on a client, so the queue only backs up if parsing cannot keep pace.
                while (!stoppingToken.IsCancellationRequested)
                {
                    var message = await queue.ReadAsync(stoppingToken);
                    Dispatch((byte[]?)message.Message, ticks);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            finally
            {
                await queue.UnsubscribeAsync();
            }
        }
    }

    private async Task<ChannelMessageQueue?> TrySubscribeAsync()
    {
        try
        {
            // The multiplexer re-subscribes by itself after a reconnect, so one subscription lasts the process.
            var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(liveTicks.Value.Channel));
            LogSubscribed(logger, liveTicks.Value.Channel);
            return queue;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // A slow Redis (RedisTimeoutException is a TimeoutException) must not fail start-up; the loop retries.
            LogSubscribeFailed(logger, exception, liveTicks.Value.Channel);
            return null;
        }
    }

    private void Dispatch(byte[]? message, List<RawTick> ticks)
    {
        if (message is null)
        {
            return;
        }
        ticks.Clear();
        try
        {
            LiveTickJson.ReadBatch(message, ticks);
        }
        catch (JsonException exception)
        {
            LogBadBatch(logger, exception);
            return;
        }
        foreach (var tick in ticks)
        {
            if (_routes.TryGetValue(tick.Token, out var clients))
            {
                // One copy shared by all clients: a slice would pin the whole batch for as long as a slow client holds it.
                ReadOnlyMemory<byte> json = tick.Json.ToArray();
                foreach (var client in clients)
                {
                    client.Offer(tick.Token, json);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fanning out live ticks from Redis channel {Channel}")]
    private static partial void LogSubscribed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to Redis channel {Channel}; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a live tick message that is not a valid tick batch")]
    private static partial void LogBadBatch(ILogger logger, Exception exception);
}
