using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Ticker;

/// <summary>One ticker WebSocket: reads subscribe/unsubscribe/mode messages and streams ticks, heartbeats and armed faults.</summary>
internal sealed class TickerConnection : IDisposable
{
    // Frames are paced in small steps so a rate spreads over the second instead of arriving in one burst.
    private static readonly TimeSpan PumpStep = TimeSpan.FromMilliseconds(50);
    private static readonly byte[] Heartbeat = [0];
    private const int MaxClientMessageBytes = 1 << 20;

    private readonly WebSocket _socket;
    private readonly MarketSimulator _market;
    private readonly FaultInjector _faults;
    private readonly TickStatistics _statistics;
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, KiteMode> _subscriptions = [];
    private readonly Dictionary<uint, long> _packetsByToken = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly byte[] _frame;
    private readonly uint[] _frameTokens;
    private Subscription[] _streaming = [];
    private int _cursor;
    private int _pendingMalformed;
    private int _pendingTruncated;
    private long _lastSentTicks;
    private long _packetsSent;
    private long _framesSent;
    private long _heartbeatsSent;

    public TickerConnection(int id, WebSocket socket, MarketSimulator market, FaultInjector faults, TickStatistics statistics,
        SimulatorOptions options, TimeProvider time, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _market = market;
        _faults = faults;
        _statistics = statistics;
        _options = options;
        _time = time;
        _logger = logger;
        ConnectedAt = time.GetUtcNow();
        _frame = new byte[KiteFrameWriter.SizeOf(KitePacketKind.Full, options.MaxPacketsPerFrame)];
        _frameTokens = new uint[options.MaxPacketsPerFrame];
    }

    public int Id { get; }

    public DateTimeOffset ConnectedAt { get; }

    public int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions.Count;
            }
        }
    }

    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public long HeartbeatsSent => Interlocked.Read(ref _heartbeatsSent);

    public SortedDictionary<string, long> PacketsByToken()
    {
        lock (_packetsByToken)
        {
            var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var (token, count) in _packetsByToken)
            {
                snapshot[token.ToString(System.Globalization.CultureInfo.InvariantCulture)] = count;
            }
            return snapshot;
        }
    }

    /// <summary>Serves the socket until the client leaves, the socket breaks, or the simulator closes it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        Interlocked.Exchange(ref _lastSentTicks, _time.GetUtcNow().UtcTicks);
        var pump = PumpAsync(session);
        try
        {
            await ReceiveAsync(session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            _logger.LogInformation("Ticker connection {ConnectionId} ended by the simulator or the host", Id);
        }
        catch (WebSocketException ex)
        {
            _logger.LogInformation(ex, "Ticker connection {ConnectionId} broke while reading", Id);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
        }
    }

    /// <summary>Arms fault frames for the pump to send next.</summary>
    public void Inject(FaultKind kind, int frames)
    {
        if (kind == FaultKind.Malformed)
        {
            Interlocked.Add(ref _pendingMalformed, frames);
        }
        else if (kind == FaultKind.Truncated)
        {
            Interlocked.Add(ref _pendingTruncated, frames);
        }
    }

    /// <summary>Sends a close frame, then drops the socket if the client does not answer in time.</summary>
    public async Task CloseAsync()
    {
        try
        {
            await CloseOutputAsync().ConfigureAwait(false);
            _closing.CancelAfter(TimeSpan.FromSeconds(2));
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own while the fault was being applied.
        }
    }

    /// <summary>Drops the connection without a close handshake.</summary>
    public void Abort()
    {
        _logger.LogInformation("Ticker connection {ConnectionId} aborted by a fault", Id);
        _socket.Abort();
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own while the fault was being applied.
        }
    }

    public void Dispose()
    {
        _sendLock.Dispose();
        _closing.Dispose();
    }

    private async Task CloseOutputAsync()
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "Simulated disconnect", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _logger.LogInformation(ex, "Ticker connection {ConnectionId} could not be closed cleanly; dropping it", Id);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await _socket.ReceiveAsync(message.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await AnswerCloseAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            message.Advance(result.Count);
            if (message.WrittenCount > MaxClientMessageBytes)
            {
                await SendErrorAsync("Message too large.", cancellationToken).ConfigureAwait(false);
                return;
            }
            if (!result.EndOfMessage)
            {
                continue;
            }
            // Kite ignores binary from clients; only text frames carry requests.
            if (result.MessageType == WebSocketMessageType.Text)
            {
                if (KiteClientMessages.TryParse(message.WrittenSpan, out var request, out var error))
                {
                    await HandleAsync(request, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _logger.LogWarning("Ticker connection {ConnectionId} sent a bad message: {Error}", Id, error);
                    await SendErrorAsync(error, cancellationToken).ConfigureAwait(false);
                }
            }
            message.ResetWrittenCount();
        }
    }

    private async Task HandleAsync(KiteClientRequest request, CancellationToken cancellationToken)
    {
        List<InstrumentState> subscribed = [];
        var refused = 0;
        lock (_gate)
        {
            foreach (var token in request.Tokens)
            {
                switch (request.Action)
                {
                    case KiteClientAction.Subscribe when !_subscriptions.ContainsKey(token):
                        if (_subscriptions.Count >= _options.MaxInstrumentsPerConnection)
                        {
                            refused++;
                            break;
                        }
                        // Subscribing alone gives quote mode, as on Kite.
                        _subscriptions[token] = KiteMode.Quote;
                        if (_market.TryGet(token, out var state))
                        {
                            subscribed.Add(state);
                        }
                        break;
                    case KiteClientAction.Unsubscribe:
                        _subscriptions.Remove(token);
                        break;
                    case KiteClientAction.Mode when _subscriptions.ContainsKey(token):
                        _subscriptions[token] = request.Mode;
                        break;
                }
            }
            RebuildStreaming();
        }

        if (refused > 0)
        {
            _logger.LogWarning("Ticker connection {ConnectionId} refused {Refused} subscriptions past the limit", Id, refused);
            await SendErrorAsync($"Can't subscribe to more than {_options.MaxInstrumentsPerConnection} instruments.", cancellationToken).ConfigureAwait(false);
        }
        if (subscribed.Count > 0)
        {
            await SendSnapshotsAsync(subscribed, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RebuildStreaming()
    {
        var streaming = new List<Subscription>(_subscriptions.Count);
        foreach (var (token, mode) in _subscriptions)
        {
            if (_market.TryGet(token, out var state))
            {
                streaming.Add(new Subscription(state, mode));
            }
        }
        Volatile.Write(ref _streaming, [.. streaming]);
    }

    private async Task PumpAsync(CancellationTokenSource session)
    {
        var cancellationToken = session.Token;
        var rate = _options.TicksPerSecond;
        var last = _time.GetUtcNow();
        var credit = 0.0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(PumpStep, _time, cancellationToken).ConfigureAwait(false);
                var now = _time.GetUtcNow();
                var elapsed = (now - last).TotalSeconds;
                last = now;
                if (_faults.IsStalled)
                {
                    credit = 0;
                    continue;
                }

                await SendFaultFramesAsync(cancellationToken).ConfigureAwait(false);
                credit = Volatile.Read(ref _streaming).Length == 0 ? 0 : Math.Min(credit + (rate * elapsed), rate);
                var due = (int)credit;
                if (due > 0)
                {
                    credit -= due;
                    await SendTicksAsync(due, cancellationToken).ConfigureAwait(false);
                }
                else if (now.UtcTicks - Interlocked.Read(ref _lastSentTicks) >= _options.HeartbeatInterval.Ticks)
                {
                    await SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended; the reader logs why.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            _logger.LogInformation(ex, "Ticker connection {ConnectionId} broke while sending", Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The pump runs beside the reader; a bug here must end the session loudly, not silently stop the ticks.
            _logger.LogError(ex, "Ticker connection {ConnectionId} stopped streaming", Id);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task SendTicksAsync(int due, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (due > 0 && CanSend())
            {
                var (length, packets) = BuildStreamingFrame(due);
                if (packets == 0)
                {
                    return;
                }
                await SendFrameAsync(length, packets, cancellationToken).ConfigureAwait(false);
                due -= packets;
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendSnapshotsAsync(List<InstrumentState> states, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = 0;
            while (next < states.Count && CanSend())
            {
                var (length, packets) = BuildSnapshotFrame(states, ref next);
                await SendFrameAsync(length, packets, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private (int Length, int Packets) BuildStreamingFrame(int due)
    {
        var streaming = Volatile.Read(ref _streaming);
        var writer = new KiteFrameWriter(_frame);
        var now = _time.GetUtcNow();
        var count = Math.Min(due, _frameTokens.Length);
        for (var i = 0; i < count && streaming.Length > 0; i++)
        {
            var stream = streaming[_cursor++ % streaming.Length];
            var tick = stream.State.Advance(stream.Mode, now);
            writer.TryAppend(tick);
            _frameTokens[i] = tick.InstrumentToken;
        }
        return (writer.Length, writer.PacketCount);
    }

    private (int Length, int Packets) BuildSnapshotFrame(List<InstrumentState> states, ref int next)
    {
        var writer = new KiteFrameWriter(_frame);
        var now = _time.GetUtcNow();
        while (next < states.Count && writer.PacketCount < _frameTokens.Length)
        {
            var tick = states[next++].Current(KiteMode.Quote, now);
            _frameTokens[writer.PacketCount] = tick.InstrumentToken;
            writer.TryAppend(tick);
        }
        return (writer.Length, writer.PacketCount);
    }

    private async Task SendFrameAsync(int length, int packets, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastSentTicks, _time.GetUtcNow().UtcTicks);
        Interlocked.Add(ref _packetsSent, packets);
        Interlocked.Increment(ref _framesSent);
        var tokens = _frameTokens.AsSpan(0, packets);
        _statistics.RecordFrame(tokens);
        lock (_packetsByToken)
        {
            foreach (var token in tokens)
            {
                _packetsByToken[token] = _packetsByToken.GetValueOrDefault(token) + 1;
            }
        }
    }

    private async Task SendFaultFramesAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.Exchange(ref _pendingMalformed, 0) is var malformed and > 0)
        {
            for (var i = 0; i < malformed; i++)
            {
                // One packet of a length Kite never sends: a decoder must count and skip it.
                await SendRawAsync(FaultFrame(13, 13), cancellationToken).ConfigureAwait(false);
            }
        }
        while (Interlocked.Exchange(ref _pendingTruncated, 0) is var truncated and > 0)
        {
            for (var i = 0; i < truncated; i++)
            {
                // A full packet announced, the message ending 120 bytes into it.
                await SendRawAsync(FaultFrame(KitePacketLength.Full, 120), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static byte[] FaultFrame(int announcedLength, int presentLength)
    {
        var frame = new byte[4 + presentLength];
        frame[1] = 1;
        frame[2] = (byte)(announcedLength >> 8);
        frame[3] = (byte)announcedLength;
        frame.AsSpan(4).Fill(0xAB);
        return frame;
    }

    private async Task SendHeartbeatAsync(CancellationToken cancellationToken)
    {
        if (await SendRawAsync(Heartbeat, cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Increment(ref _heartbeatsSent);
            _statistics.RecordHeartbeat();
        }
    }

    private async Task SendErrorAsync(string error, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["type"] = "error", ["data"] = error });
        await SendRawAsync(json, cancellationToken, WebSocketMessageType.Text).ConfigureAwait(false);
    }

    private async Task<bool> SendRawAsync(byte[] message, CancellationToken cancellationToken, WebSocketMessageType type = WebSocketMessageType.Binary)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!CanSend())
            {
                return false;
            }
            await _socket.SendAsync(message, type, true, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastSentTicks, _time.GetUtcNow().UtcTicks);
            return true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private bool CanSend() => _socket.State == WebSocketState.Open && !_faults.IsStalled;

    private async Task AnswerCloseAsync(CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private readonly record struct Subscription(InstrumentState State, KiteMode Mode);
}
