using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;
using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Ticker;

/// <summary>One ticker WebSocket: reads subscribe/unsubscribe/mode messages and streams ticks, heartbeats and armed faults.</summary>
internal sealed class TickerConnection : SimulatedSocket
{
    private static readonly byte[] Heartbeat = [0];
    private const int MaxClientMessageBytes = 1 << 20;

    private readonly MarketSimulator _market;
    private readonly TickStatistics _statistics;
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, KiteMode> _subscriptions = [];
    private readonly SentCounts<uint> _sent = new();
    private readonly byte[] _frame;
    private readonly uint[] _frameTokens;
    private Subscription[] _streaming = [];
    private int _cursor;
    private long _lastSentTicks;
    private long _heartbeatsSent;

    public TickerConnection(int id, WebSocket socket, MarketSimulator market, FaultInjector faults, TickStatistics statistics,
        SimulatorOptions options, TimeProvider time, ILogger logger)
        : base("Ticker", id, socket, faults, options, time, logger)
    {
        _market = market;
        _statistics = statistics;
        _frame = new byte[KiteFrameWriter.SizeOf(KitePacketKind.Full, options.MaxPacketsPerFrame)];
        _frameTokens = new uint[options.MaxPacketsPerFrame];
        // The heartbeat clock starts with the socket, served right after it is built.
        _lastSentTicks = ConnectedAt.UtcTicks;
    }

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

    public long PacketsSent => _sent.Records;

    public long FramesSent => _sent.Frames;

    public long HeartbeatsSent => Interlocked.Read(ref _heartbeatsSent);

    public SortedDictionary<string, long> PacketsByToken() => _sent.ByKey();

    /// <summary>The socket is gone: its instruments no longer stream on it.</summary>
    public void ReleaseSubscriptions()
    {
        lock (_gate)
        {
            foreach (var token in _subscriptions.Keys)
            {
                _statistics.Unsubscribed(token);
            }
            _subscriptions.Clear();
        }
    }

    /// <summary>Drops the connection without a close handshake.</summary>
    public override void Abort()
    {
        Logger.LogInformation("Ticker connection {ConnectionId} aborted by a fault", Id);
        base.Abort();
    }

    // Kite's reader answers a client's close itself (AnswerCloseAsync); a simulated disconnect only closes an open socket.
    protected override bool ClosesAfterClient => false;

    protected override bool HasStreams => Volatile.Read(ref _streaming).Length != 0;

    protected override async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await Socket.ReceiveAsync(message.GetMemory(4096), cancellationToken).ConfigureAwait(false);
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
                    Logger.LogWarning("Ticker connection {ConnectionId} sent a bad message: {Error}", Id, error);
                    await SendErrorAsync(error, cancellationToken).ConfigureAwait(false);
                }
            }
            message.ResetWrittenCount();
        }
    }

    private async Task HandleAsync(KiteClientRequest request, CancellationToken cancellationToken)
    {
        if (request.Action == KiteClientAction.Unsubscribe && Faults.TakeUnsubscribeDelay() is { Ticks: > 0 } late)
        {
            // The read loop waits, so later requests stay behind this one, in order, as on the wire.
            await Task.Delay(late, Time, cancellationToken).ConfigureAwait(false);
        }
        List<InstrumentState> subscribed = [];
        var refused = 0;
        // Outside the session there is nothing to push: the first tick comes when the exchange opens.
        var snapshots = !Faults.IsQuiet && Session.IsOpen(Time.GetUtcNow());
        lock (_gate)
        {
            foreach (var token in request.Tokens)
            {
                switch (request.Action)
                {
                    case KiteClientAction.Subscribe when !_subscriptions.ContainsKey(token):
                        if (_subscriptions.Count >= Options.MaxInstrumentsPerConnection)
                        {
                            refused++;
                            break;
                        }
                        // Subscribing alone gives quote mode, as on Kite.
                        _subscriptions[token] = KiteMode.Quote;
                        _statistics.Subscribed(token);
                        if (_market.TryGet(token, out var state))
                        {
                            subscribed.Add(state);
                        }
                        break;
                    case KiteClientAction.Unsubscribe:
                        if (_subscriptions.Remove(token))
                        {
                            _statistics.Unsubscribed(token);
                        }
                        break;
                    case KiteClientAction.Mode when _subscriptions.ContainsKey(token):
                        _subscriptions[token] = request.Mode;
                        break;
                }
            }
            // New instruments stream only after their snapshot, as on Kite, where the first tick after a subscribe is the quote.
            if (subscribed.Count == 0 || !snapshots)
            {
                RebuildStreaming();
            }
        }

        if (refused > 0)
        {
            Logger.LogWarning("Ticker connection {ConnectionId} refused {Refused} subscriptions past the limit", Id, refused);
            await SendErrorAsync($"Can't subscribe to more than {Options.MaxInstrumentsPerConnection} instruments.", cancellationToken).ConfigureAwait(false);
        }
        if (subscribed.Count > 0 && snapshots)
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

    /// <summary>Nothing was due: a heartbeat keeps the client's watchdog quiet once the line has been silent long enough.</summary>
    protected override async Task IdleAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now.UtcTicks - Interlocked.Read(ref _lastSentTicks) >= Options.HeartbeatInterval.Ticks)
        {
            await SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendSnapshotsAsync(List<InstrumentState> states, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
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
            // Streaming frames are built under the same send lock, so none of these instruments can overtake its snapshot.
            lock (_gate)
            {
                RebuildStreaming();
            }
            SendLock.Release();
        }
    }

    protected override (int Length, int Records) BuildStreamingFrame(int due)
    {
        var streaming = Volatile.Read(ref _streaming);
        var writer = new KiteFrameWriter(_frame);
        var now = Time.GetUtcNow();
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
        var now = Time.GetUtcNow();
        while (next < states.Count && writer.PacketCount < _frameTokens.Length)
        {
            var tick = states[next++].Current(KiteMode.Quote, now);
            _frameTokens[writer.PacketCount] = tick.InstrumentToken;
            writer.TryAppend(tick);
        }
        return (writer.Length, writer.PacketCount);
    }

    protected override async Task SendFrameAsync(int length, int records, CancellationToken cancellationToken)
    {
        await Socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _lastSentTicks, Time.GetUtcNow().UtcTicks);
        var tokens = _frameTokens.AsSpan(0, records);
        _sent.RecordFrame(tokens);
        _statistics.RecordFrame(tokens);
    }

    // Malformed: one packet of a length Kite never sends, which a decoder must count and skip.
    // Truncated: a full packet announced, the message ending 120 bytes into it.
    protected override Task SendFaultAsync(bool malformed, CancellationToken cancellationToken) =>
        SendRawAsync(malformed ? FaultFrame(13, 13) : FaultFrame(KitePacketLength.Full, 120), cancellationToken);

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
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!CanSend())
            {
                return false;
            }
            await Socket.SendAsync(message, type, true, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastSentTicks, Time.GetUtcNow().UtcTicks);
            return true;
        }
        finally
        {
            SendLock.Release();
        }
    }

    private async Task AnswerCloseAsync(CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Socket.State == WebSocketState.CloseReceived)
            {
                await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            SendLock.Release();
        }
    }

    private readonly record struct Subscription(InstrumentState State, KiteMode Mode);
}
