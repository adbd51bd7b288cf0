using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using StackExchange.Redis;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Api.Streaming;

/// <summary>
/// Serves one live tick WebSocket: reads subscribe/unsubscribe messages, answers bad ones with an error message,
/// and drains the client's conflated ticks in a sender loop of its own.
/// </summary>
internal sealed partial class TickSession(
    WebSocket socket,
    TickFanout fanout,
    IConnectionMultiplexer redis,
    TickStreamOptions options,
    LiveTickOptions liveTicks,
    TickStreamMetrics metrics,
    ILogger logger) : IDisposable
{
    private readonly TickClient _client = new(metrics);
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    /// <summary>Serves the socket until the client leaves, the connection drops or the server stops.</summary>
    public async Task RunAsync(CancellationToken aborted, CancellationToken stopping)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        var sender = SendLoopAsync(stop.Token);
        try
        {
            await ReceiveLoopAsync(stop.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // The peer vanished or the server is stopping: nothing to answer.
        }
        finally
        {
            await stop.CancelAsync();
            await sender;
            fanout.Leave(_client);
        }
        if (stopping.IsCancellationRequested)
        {
            await CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Server stopping", aborted);
        }
        else
        {
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "Bye", aborted);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(1024);
        var tooLarge = false;
        while (true)
        {
            var result = await socket.ReceiveAsync(message.GetMemory(1024), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
            if (tooLarge)
            {
                message.ResetWrittenCount();
            }
            else
            {
                message.Advance(result.Count);
                tooLarge = message.WrittenCount > options.MaxMessageBytes;
            }
            if (!result.EndOfMessage)
            {
                continue;
            }

            if (tooLarge)
            {
                await SendErrorAsync($"Messages may be at most {options.MaxMessageBytes} bytes.", cancellationToken);
            }
            else if (result.MessageType != WebSocketMessageType.Text)
            {
                await SendErrorAsync("Send JSON text messages, not binary.", cancellationToken);
            }
            else
            {
                await HandleAsync(message.WrittenMemory, cancellationToken);
            }
            message.ResetWrittenCount();
            tooLarge = false;
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> json, CancellationToken cancellationToken)
    {
        var (action, tokens, error) = ClientMessage.Parse(json.Span, options.MaxTokensPerClient);
        if (error is not null)
        {
            await SendErrorAsync(error, cancellationToken);
            return;
        }

        if (action == ClientMessage.Unsubscribe)
        {
            fanout.Unroute(_client, _client.Unsubscribe(tokens));
            await SendAckAsync("unsubscribed", tokens, cancellationToken);
            return;
        }

        var added = _client.Subscribe(tokens, options.MaxTokensPerClient);
        if (added is null)
        {
            await SendErrorAsync(
                $"At most {options.MaxTokensPerClient} tokens per connection; {_client.TokenCount} already subscribed.", cancellationToken);
            return;
        }
        // Routed before the quotes are read: a tick published meanwhile is not lost, and it wins over the older quote.
        fanout.Route(_client, added);
        await SendAckAsync("subscribed", tokens, cancellationToken);
        await OfferLatestQuotesAsync(added, cancellationToken);
    }

    private async Task OfferLatestQuotesAsync(int[] tokens, CancellationToken cancellationToken)
    {
        if (tokens.Length == 0)
        {
            return;
        }
        try
        {
            var fields = Array.ConvertAll(tokens, token => (RedisValue)token.ToString(CultureInfo.InvariantCulture));
            var quotes = await redis.GetDatabase().HashGetAsync(liveTicks.QuotesKey, fields).WaitAsync(cancellationToken);
            for (var i = 0; i < tokens.Length; i++)
            {
                if ((byte[]?)quotes[i] is { } quote && LiveTickJson.IsTickOf(quote, tokens[i]))
                {
                    _client.OfferQuote(tokens[i], quote);
                }
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogQuotesUnavailable(logger, exception);
            await SendErrorAsync("Latest quotes are unavailable right now; live ticks will follow.", cancellationToken);
        }
        finally
        {
            _client.QuotesDone(tokens);
        }
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await _client.WaitAsync(cancellationToken))
            {
                var ticks = _client.TakePending();
                if (ticks.Count == 0)
                {
                    _client.Release(ticks);
                    continue;
                }
                buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "ticks"u8);
                    writer.WriteStartArray("ticks"u8);
                    foreach (var tick in ticks.Values)
                    {
                        // Already validated when the batch or the quote was read.
                        writer.WriteRawValue(tick.Span, skipInputValidation: true);
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }
                var count = ticks.Count;
                _client.Release(ticks);
                await SendAsync(buffer.WrittenMemory, cancellationToken);
                metrics.TicksSent.Add(count);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (WebSocketException exception)
        {
            LogSendFailed(logger, exception);
        }
    }

    private Task SendAckAsync(string type, int[] tokens, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + tokens.Length * 8);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteStartArray("tokens");
            foreach (var token in tokens)
            {
                writer.WriteNumberValue(token);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return SendAsync(buffer.WrittenMemory, cancellationToken);
    }

    private Task SendErrorAsync(string error, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteString("message", error);
            writer.WriteEndObject();
        }
        return SendAsync(buffer.WrittenMemory, cancellationToken);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        // A WebSocket allows one send at a time; answers and tick batches take turns.
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }
        try
        {
            await socket.CloseOutputAsync(status, reason, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            LogSendFailed(logger, exception);
        }
    }

    public void Dispose() => _sendLock.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latest quotes could not be read from Redis")]
    private static partial void LogQuotesUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A live tick client went away while being sent to")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
