using System.Buffers;
using System.Net.WebSockets;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;
using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Fyers;

/// <summary>
/// One Fyers data socket: authenticates by <c>hsm_key</c>, takes mode and (un)subscribe frames, streams snapshots then partial
/// updates, or lite records for the quote topics of a channel set to lite mode. Depth (<c>dp|</c>) topics have no lite form and
/// always stream as updates.
/// </summary>
internal sealed class FyersConnection : SimulatedSocket
{
    private const int MaxClientMessageBytes = 1 << 20;
    private const int FrameBufferBytes = 64 * 1024;

    private readonly FyersSymbology _symbology;
    private readonly MarketSimulator _market;
    private readonly FyersAccessTokens _tokens;
    private readonly FyersStatistics _statistics;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TopicStream> _topics = new(StringComparer.Ordinal);
    private readonly SentCounts<string> _sent = new(StringComparer.Ordinal);
    private readonly byte[] _frame = new byte[FrameBufferBytes];
    private readonly string[] _frameTopics;
    private readonly int[] _values = new int[FyersValues.MaxCount];
    private TopicStream[] _streaming = [];
    private ushort _nextTopicId;
    private uint _messageNumber;
    private int _cursor;
    private int _authenticated;
    // Bit n set when channel n is in lite mode; channels start in full mode.
    private long _liteChannels;
    private long _heartbeatsReceived;
    private long _lastAcknowledged;

    public FyersConnection(int id, WebSocket socket, FyersSymbology symbology, MarketSimulator market, FyersAccessTokens tokens,
        FaultInjector faults, FyersStatistics statistics, SimulatorOptions options, TimeProvider time, ILogger logger)
        : base("Fyers", id, socket, faults, options, time, logger)
    {
        _symbology = symbology;
        _market = market;
        _tokens = tokens;
        _statistics = statistics;
        _frameTopics = new string[options.MaxPacketsPerFrame];
    }

    public bool IsAuthenticated => Volatile.Read(ref _authenticated) == 1;

    public int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _topics.Count;
            }
        }
    }

    public long RecordsSent => _sent.Records;

    public long HeartbeatsReceived => Interlocked.Read(ref _heartbeatsReceived);

    /// <summary>The message number of the last acknowledgement the client sent; 0 before any.</summary>
    public long LastAcknowledged => Interlocked.Read(ref _lastAcknowledged);

    public SortedDictionary<string, long> RecordsByTopic() => _sent.ByKey();

    // A client is streamed to only once its key is accepted.
    protected override bool MayStream => base.MayStream && IsAuthenticated;

    protected override bool HasStreams => Volatile.Read(ref _streaming).Length != 0;

    protected override async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await Socket.ReceiveAsync(message.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (Socket.State == WebSocketState.CloseReceived)
                {
                    await CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null).ConfigureAwait(false);
                }
                return;
            }
            message.Advance(result.Count);
            if (message.WrittenCount > MaxClientMessageBytes)
            {
                await CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "Message too large").ConfigureAwait(false);
                return;
            }
            if (!result.EndOfMessage)
            {
                continue;
            }
            // Fyers' protocol is binary only; text (the Go SDK's "ping") is ignored, as the server does.
            if (result.MessageType == WebSocketMessageType.Binary)
            {
                if (!FyersClientFrame.TryParse(message.WrittenSpan, out var frame, out var error))
                {
                    Logger.LogWarning("Fyers connection {ConnectionId} sent an unreadable frame: {Error}", Id, error);
                }
                else if (!await HandleAsync(frame, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            message.ResetWrittenCount();
        }
    }

    /// <summary>Answers one client frame; false when the connection must end (a refused key).</summary>
    private async Task<bool> HandleAsync(FyersClientFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Type)
        {
            case FyersMessageType.Authentication:
                var accepted = !Faults.TakeTokenError() && _tokens.IsValid(frame.HsmKey);
                await SendControlAsync(FyersFeedEncoder.WriteAuthenticationResponse(_frame, accepted, accepted ? Options.FyersAckInterval : 0), cancellationToken)
                    .ConfigureAwait(false);
                if (!accepted)
                {
                    // A refused key gets "N" and nothing more: the socket carries no error text.
                    Logger.LogWarning("Fyers connection {ConnectionId} refused an unknown hsm_key", Id);
                    await CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Authentication failed").ConfigureAwait(false);
                    return false;
                }
                Volatile.Write(ref _authenticated, 1);
                return true;
            case FyersMessageType.Mode:
                SetMode(frame.Channel ?? FyersFrameWriter.DefaultChannel, frame.Mode ?? FyersMode.Full);
                await SendControlAsync(FyersFeedEncoder.WriteResponse(_frame, FyersMessageType.Mode, IsAuthenticated), cancellationToken).ConfigureAwait(false);
                return true;
            case FyersMessageType.Subscribe:
                await SubscribeAsync(frame.Topics!, frame.Channel ?? FyersFrameWriter.DefaultChannel, cancellationToken).ConfigureAwait(false);
                return true;
            case FyersMessageType.Unsubscribe:
                lock (_gate)
                {
                    foreach (var topic in frame.Topics!)
                    {
                        _topics.Remove(topic);
                    }
                    RebuildStreaming();
                }
                await SendControlAsync(FyersFeedEncoder.WriteResponse(_frame, FyersMessageType.Unsubscribe, IsAuthenticated), cancellationToken).ConfigureAwait(false);
                return true;
            case FyersMessageType.Acknowledgement:
                Interlocked.Exchange(ref _lastAcknowledged, frame.MessageNumber ?? 0);
                return true;
            case FyersMessageType.Heartbeat:
                Interlocked.Increment(ref _heartbeatsReceived);
                return true;
            case FyersMessageType.Pause or FyersMessageType.Resume:
                await SendControlAsync(FyersFeedEncoder.WriteResponse(_frame, frame.Type, IsAuthenticated), cancellationToken).ConfigureAwait(false);
                return true;
            default:
                return true;
        }
    }

    private void SetMode(int channel, FyersMode mode)
    {
        if (channel is < 1 or > 63)
        {
            return;
        }
        long current, next;
        do
        {
            current = Interlocked.Read(ref _liteChannels);
            next = mode == FyersMode.Lite ? current | (1L << channel) : current & ~(1L << channel);
        }
        while (Interlocked.CompareExchange(ref _liteChannels, next, current) != current);
    }

    private bool IsLite(int channel) => channel is >= 1 and <= 63 && (Interlocked.Read(ref _liteChannels) & (1L << channel)) != 0;

    private async Task SubscribeAsync(IReadOnlyList<string> topics, int channel, CancellationToken cancellationToken)
    {
        List<TopicStream> added = [];
        var unknown = 0;
        if (IsAuthenticated)
        {
            lock (_gate)
            {
                foreach (var topic in topics)
                {
                    if (_topics.ContainsKey(topic))
                    {
                        continue;
                    }
                    if (!_symbology.TryGetByTopic(topic, out var listing) || !_market.TryGet(listing.Instrument.InstrumentToken, out var state)
                        || _topics.Count >= Options.FyersMaxTopicsPerConnection)
                    {
                        unknown++;
                        continue;
                    }
                    // Ids are per connection; a reconnecting client must learn them again from the snapshots.
                    var stream = new TopicStream(++_nextTopicId, listing, topic, topic == listing.DepthTopic, channel, state, new int[FyersValues.MaxCount]);
                    _topics[topic] = stream;
                    added.Add(stream);
                }
            }
        }
        if (unknown > 0)
        {
            Logger.LogWarning("Fyers connection {ConnectionId} refused {Unknown} unknown topics or topics past the limit", Id, unknown);
        }
        var accepted = IsAuthenticated && (added.Count > 0 || unknown == 0);
        await SendControlAsync(FyersFeedEncoder.WriteResponse(_frame, FyersMessageType.Subscribe, accepted), cancellationToken).ConfigureAwait(false);
        if (added.Count > 0)
        {
            await SendSnapshotsAsync(added, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RebuildStreaming() => Volatile.Write(ref _streaming, [.. _topics.Values]);

    private async Task SendSnapshotsAsync(List<TopicStream> streams, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = 0;
            while (next < streams.Count && CanSend())
            {
                var writer = new FyersDataFrameWriter(_frame, ++_messageNumber);
                var now = Time.GetUtcNow();
                while (next < streams.Count && writer.RecordCount < _frameTopics.Length)
                {
                    var stream = streams[next];
                    var tick = stream.State.Current(KiteMode.Full, now);
                    var count = Fill(stream, tick);
                    var instrument = stream.Listing.Instrument;
                    if (!writer.TryAppendSnapshot(stream.Id, stream.Topic, _values.AsSpan(0, count), 1, 2, "NSE",
                        instrument.ExchangeToken.ToString(System.Globalization.CultureInfo.InvariantCulture), stream.Listing.FyersSymbol[4..]))
                    {
                        break;
                    }
                    _values.AsSpan(0, count).CopyTo(stream.Last);
                    _frameTopics[writer.RecordCount - 1] = stream.Topic;
                    next++;
                }
                await SendFrameAsync(writer.Length, writer.RecordCount, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Updates of a new topic start only after its snapshot, as Fyers sends them: the client learns the topic's
            // id from the snapshot, and the streaming frames are built under the same send lock.
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
        var writer = new FyersDataFrameWriter(_frame, ++_messageNumber);
        var now = Time.GetUtcNow();
        var count = Math.Min(due, _frameTopics.Length);
        for (var i = 0; i < count && streaming.Length > 0; i++)
        {
            var stream = streaming[_cursor++ % streaming.Length];
            // The book is read, not traded: a depth topic must not move the walk its instrument's quote topic moves.
            var tick = stream.IsDepth ? stream.State.Current(KiteMode.Full, now) : stream.State.Advance(KiteMode.Full, now);
            var values = Fill(stream, tick);
            bool appended;
            if (!stream.IsDepth && IsLite(stream.Channel))
            {
                appended = writer.TryAppendLite(stream.Id, _values[0]);
            }
            else
            {
                // Unchanged values go as the sentinel and trailing ones are cut: the server does one or the other (§1.9).
                var carried = 0;
                for (var v = 0; v < values; v++)
                {
                    if (_values[v] == stream.Last[v])
                    {
                        _values[v] = FyersDataFrameWriter.NoValue;
                    }
                    else
                    {
                        stream.Last[v] = _values[v];
                        carried = v + 1;
                    }
                }
                appended = writer.TryAppendUpdate(stream.Id, _values.AsSpan(0, Math.Max(carried, 1)));
            }
            if (!appended)
            {
                break;
            }
            _frameTopics[writer.RecordCount - 1] = stream.Topic;
        }
        return (writer.Length, writer.RecordCount);
    }

    protected override async Task SendFrameAsync(int length, int records, CancellationToken cancellationToken)
    {
        await Socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        var topics = _frameTopics.AsSpan(0, records);
        _sent.RecordFrame(topics);
        _statistics.RecordFrame(topics);
    }

    protected override async Task SendFaultAsync(bool malformed, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!CanSend())
            {
                return;
            }
            var writer = new FyersDataFrameWriter(_frame, ++_messageNumber);
            int length;
            if (malformed)
            {
                // One update record whose kind byte no server sends: a decoder must skip the frame whole.
                writer.TryAppendUpdate(1, [FyersDataFrameWriter.NoValue]);
                length = writer.Length;
                _frame[9] = 0x99;
            }
            else
            {
                // A snapshot announced, the message ending inside its topic name.
                writer.TryAppendSnapshot(1, "sf|nse_cm|00000", new int[FyersValues.ScripCount], 1, 2, "NSE", "0", "X");
                length = 20;
            }
            await Socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            _statistics.RecordFaultFrame();
        }
        finally
        {
            SendLock.Release();
        }
    }

    private async Task SendControlAsync(int length, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Socket.State == WebSocketState.Open)
            {
                await Socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            SendLock.Release();
        }
    }

    private int Fill(TopicStream stream, in KiteTick tick) =>
        stream.IsDepth ? FyersValues.FillDepth(tick, _values) : FyersValues.Fill(tick, stream.Listing.Instrument.IsIndex, _values);

    /// <summary>One subscribed topic: its id on this connection, its name, whether it is depth, its channel, the shared market state, and the values last sent for it.</summary>
    private sealed record TopicStream(ushort Id, FyersListing Listing, string Topic, bool IsDepth, int Channel, InstrumentState State, int[] Last);
}
