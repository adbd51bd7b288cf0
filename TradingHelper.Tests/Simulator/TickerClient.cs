using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Simulator;

/// <summary>A test's side of a ticker socket: a reader that queues every message, so waiting never aborts the socket.</summary>
public sealed class TickerClient : IAsyncDisposable
{
    private readonly WebSocket _socket;
    private readonly Channel<TickerMessage> _received = Channel.CreateBounded<TickerMessage>(new BoundedChannelOptions(100_000) { SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;

    public TickerClient(WebSocket socket)
    {
        _socket = socket;
        _reader = ReadAsync();
    }

    public WebSocketState State => _socket.State;

    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    public ValueTask SubscribeAsync(CancellationToken cancellationToken, params uint[] tokens)
    {
        var json = new ArrayBufferWriter<byte>();
        KiteClientMessages.WriteSubscribe(json, tokens);
        return _socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken);
    }

    public ValueTask SetModeAsync(KiteMode mode, CancellationToken cancellationToken, params uint[] tokens)
    {
        var json = new ArrayBufferWriter<byte>();
        KiteClientMessages.WriteMode(json, mode, tokens);
        return _socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken);
    }

    public ValueTask UnsubscribeAsync(CancellationToken cancellationToken, params uint[] tokens)
    {
        var json = new ArrayBufferWriter<byte>();
        KiteClientMessages.WriteUnsubscribe(json, tokens);
        return _socket.SendAsync(json.WrittenMemory, WebSocketMessageType.Text, true, cancellationToken);
    }

    /// <summary>The next message, or null when none arrives in time.</summary>
    public async Task<TickerMessage?> NextAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await _received.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Waits for the first message matching <paramref name="match"/>, skipping others; null on timeout or when the socket ends.</summary>
    public async Task<TickerMessage?> FirstAsync(Func<TickerMessage, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            var message = await NextAsync(deadline - DateTimeOffset.UtcNow, cancellationToken);
            if (message is null || match(message))
            {
                return message;
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Abort();
        try
        {
            await _reader;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The reader ends by the abort above.
        }
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await _received.Writer.WriteAsync(new TickerMessage(result.MessageType, [], DateTimeOffset.UtcNow, _socket.CloseStatus), _stop.Token);
                    return;
                }
                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    await _received.Writer.WriteAsync(new TickerMessage(result.MessageType, buffer.WrittenSpan.ToArray(), DateTimeOffset.UtcNow, null), _stop.Token);
                    buffer.ResetWrittenCount();
                }
            }
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}

/// <summary>One message received from the ticker.</summary>
public sealed record TickerMessage(WebSocketMessageType Type, byte[] Data, DateTimeOffset At, WebSocketCloseStatus? CloseStatus)
{
    public bool IsHeartbeat => Type == WebSocketMessageType.Binary && Data.Length == 1;

    public bool IsTickFrame => Type == WebSocketMessageType.Binary && Data.Length > 1;

    public List<KiteTick> Ticks()
    {
        var ticks = new List<KiteTick>();
        var reader = new KiteFrameReader(Data);
        while (reader.TryReadNext(out var tick))
        {
            ticks.Add(tick);
        }
        Assert.Equal(0, reader.SkippedPackets);
        return ticks;
    }

    public JsonElement Json() => JsonDocument.Parse(Data).RootElement.Clone();
}
