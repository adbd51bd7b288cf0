using System.Buffers;
using System.Net.WebSockets;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Fyers;

/// <summary>One Fyers data socket: authenticates by <c>hsm_key</c>, takes mode and (un)subscribe frames, streams snapshots then partial updates.</summary>
internal sealed class FyersConnection : IDisposable
{
    private static readonly TimeSpan PumpStep = TimeSpan.FromMilliseconds(50);
    private const int MaxClientMessageBytes = 1 << 20;
    private const int FrameBufferBytes = 64 * 1024;

    private readonly WebSocket _socket;
    private readonly FyersSymbology _symbology;
    private readonly MarketSimulator _market;
    private readonly FyersAccessTokens _tokens;
    private readonly FaultInjector _faults;
    private readonly FyersStatistics _statistics;
    private readonly SimulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TopicStream> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _recordsByTopic = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly byte[] _frame = new byte[FrameBufferBytes];
    private readonly string[] _frameTopics;
    private readonly int[] _values = new int[FyersValues.MaxCount];
    private TopicStream[] _streaming = [];
    private ushort _nextTopicId;
    private uint _messageNumber;
    private int _cursor;
    private int _authenticated;
    private int _lite;
    private int _pendingMalformed;
    private int _pendingTruncated;
    private long _recordsSent;
    private long _heartbeatsReceived;
    private long _lastAcknowledged;

    public FyersConnection(int id, WebSocket socket, FyersSymbology symbology, MarketSimulator market, FyersAccessTokens tokens,
        FaultInjector faults, FyersStatistics statistics, SimulatorOptions options, TimeProvider time, ILogger logger)
    {
        Id = id;
        _socket = socket;
        _symbology = symbology;
        _market = market;
        _tokens = tokens;
        _faults = faults;
        _statistics = statistics;
        _options = options;
        _time = time;
        _logger = logger;
        ConnectedAt = time.GetUtcNow();
        _frameTopics = new string[options.MaxPacketsPerFrame];
    }

    public int Id { get; }

    public DateTimeOffset ConnectedAt { get; }

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

    public long RecordsSent => Interlocked.Read(ref _recordsSent);

    public long HeartbeatsReceived => Interlocked.Read(ref _heartbeatsReceived);

    /// <summary>The message number of the last acknowledgement the client sent; 0 before any.</summary>
    public long LastAcknowledged => Interlocked.Read(ref _lastAcknowledged);

    public SortedDictionary<string, long> RecordsByTopic()
    {
        lock (_recordsByTopic)
        {
            return new SortedDictionary<string, long>(_recordsByTopic, StringComparer.Ordinal);
        }
    }

    /// <summary>Serves the socket until the client leaves, the socket breaks, or the simulator closes it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        var pump = PumpAsync(session);
        try
        {
            await ReceiveAsync(session.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.IsCancellationRequested)
        {
            _logger.LogInformation("Fyers connection {ConnectionId} ended by the simulator or the host", Id);
        }
        catch (WebSocketException ex)
        {
            _logger.LogInformation(ex, "Fyers connection {ConnectionId} broke while reading", Id);
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
            await CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "Simulated disconnect").ConfigureAwait(false);
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

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await _socket.ReceiveAsync(message.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
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
                    _logger.LogWarning("Fyers connection {ConnectionId} sent an unreadable frame: {Error}", Id, error);
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
                var accepted = !_faults.TakeTokenError() && _tokens.IsValid(frame.HsmKey);
                await SendControlAsync(FyersFeedEncoder.WriteAuthenticationResponse(_frame, accepted, accepted ? _options.FyersAckInterval : 0), cancellationToken)
                    .ConfigureAwait(false);
                if (!accepted)
                {
                    // A refused key gets "N" and nothing more: the socket carries no error text.
                    _logger.LogWarning("Fyers connection {ConnectionId} refused an unknown hsm_key", Id);
                    await CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Authentication failed").ConfigureAwait(false);
                    return false;
                }
                Volatile.Write(ref _authenticated, 1);
                return true;
            case FyersMessageType.Mode:
                Volatile.Write(ref _lite, frame.Mode == FyersMode.Lite ? 1 : 0);
                await SendControlAsync(FyersFeedEncoder.WriteResponse(_frame, FyersMessageType.Mode, IsAuthenticated), cancellationToken).ConfigureAwait(false);
                return true;
            case FyersMessageType.Subscribe:
                await SubscribeAsync(frame.Topics!, cancellationToken).ConfigureAwait(false);
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

    private async Task SubscribeAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
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
                        || _topics.Count >= _options.FyersMaxTopicsPerConnection)
                    {
                        unknown++;
                        continue;
                    }
                    // Ids are per connection; a reconnecting client must learn them again from the snapshots.
                    var stream = new TopicStream(++_nextTopicId, listing, state, new int[FyersValues.MaxCount]);
                    _topics[topic] = stream;
                    added.Add(stream);
                }
                RebuildStreaming();
            }
        }
        if (unknown > 0)
        {
            _logger.LogWarning("Fyers connection {ConnectionId} refused {Unknown} unknown topics or topics past the limit", Id, unknown);
        }
        var accepted = IsAuthenticated && (added.Count > 0 || unknown == 0);
        await SendControlAsync(FyersFeedEncoder.WriteResponse(_frame, FyersMessageType.Subscribe, accepted), cancellationToken).ConfigureAwait(false);
        if (added.Count > 0)
        {
            await SendSnapshotsAsync(added, cancellationToken).ConfigureAwait(false);
        }
    }

    private void RebuildStreaming() => Volatile.Write(ref _streaming, [.. _topics.Values]);

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
                if (_faults.IsStalled || !IsAuthenticated)
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
                    await SendUpdatesAsync(due, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended; the reader logs why.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            _logger.LogInformation(ex, "Fyers connection {ConnectionId} broke while sending", Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The pump runs beside the reader; a bug here must end the session loudly, not silently stop the ticks.
            _logger.LogError(ex, "Fyers connection {ConnectionId} stopped streaming", Id);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task SendUpdatesAsync(int due, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (due > 0 && CanSend())
            {
                var (length, records) = BuildUpdateFrame(due);
                if (records == 0)
                {
                    return;
                }
                await SendDataFrameAsync(length, records, cancellationToken).ConfigureAwait(false);
                due -= records;
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendSnapshotsAsync(List<TopicStream> streams, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = 0;
            while (next < streams.Count && CanSend())
            {
                var writer = new FyersDataFrameWriter(_frame, ++_messageNumber);
                var now = _time.GetUtcNow();
                while (next < streams.Count && writer.RecordCount < _frameTopics.Length)
                {
                    var stream = streams[next];
                    var tick = stream.State.Current(KiteMode.Full, now);
                    var count = FyersValues.Fill(tick, stream.Listing.Instrument.IsIndex, _values);
                    var instrument = stream.Listing.Instrument;
                    if (!writer.TryAppendSnapshot(stream.Id, stream.Listing.Topic, _values.AsSpan(0, count), 1, 2, "NSE",
                        instrument.ExchangeToken.ToString(System.Globalization.CultureInfo.InvariantCulture), stream.Listing.FyersSymbol[4..]))
                    {
                        break;
                    }
                    _values.AsSpan(0, count).CopyTo(stream.Last);
                    _frameTopics[writer.RecordCount - 1] = stream.Listing.Topic;
                    next++;
                }
                await SendDataFrameAsync(writer.Length, writer.RecordCount, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private (int Length, int Records) BuildUpdateFrame(int due)
    {
        var streaming = Volatile.Read(ref _streaming);
        var writer = new FyersDataFrameWriter(_frame, ++_messageNumber);
        var now = _time.GetUtcNow();
        var lite = Volatile.Read(ref _lite) == 1;
        var count = Math.Min(due, _frameTopics.Length);
        for (var i = 0; i < count && streaming.Length > 0; i++)
        {
            var stream = streaming[_cursor++ % streaming.Length];
            var tick = stream.State.Advance(KiteMode.Full, now);
            var values = FyersValues.Fill(tick, stream.Listing.Instrument.IsIndex, _values);
            bool appended;
            if (lite)
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
            _frameTopics[writer.RecordCount - 1] = stream.Listing.Topic;
        }
        return (writer.Length, writer.RecordCount);
    }

    private async Task SendDataFrameAsync(int length, int records, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _recordsSent, records);
        var topics = _frameTopics.AsSpan(0, records);
        _statistics.RecordFrame(topics);
        lock (_recordsByTopic)
        {
            foreach (var topic in topics)
            {
                _recordsByTopic[topic] = _recordsByTopic.GetValueOrDefault(topic) + 1;
            }
        }
    }

    private async Task SendFaultFramesAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.Exchange(ref _pendingMalformed, 0) is var malformed and > 0)
        {
            for (var i = 0; i < malformed; i++)
            {
                await SendFaultAsync(malformed: true, cancellationToken).ConfigureAwait(false);
            }
        }
        while (Interlocked.Exchange(ref _pendingTruncated, 0) is var truncated and > 0)
        {
            for (var i = 0; i < truncated; i++)
            {
                await SendFaultAsync(malformed: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SendFaultAsync(bool malformed, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
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
            await _socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            _statistics.RecordFaultFrame();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendControlAsync(int length, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(_frame.AsMemory(0, length), WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task CloseOutputAsync(WebSocketCloseStatus status, string? description)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _logger.LogInformation(ex, "Fyers connection {ConnectionId} could not be closed cleanly; dropping it", Id);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private bool CanSend() => _socket.State == WebSocketState.Open && !_faults.IsStalled;

    /// <summary>One subscribed topic: its id on this connection, the shared market state, and the values last sent for it.</summary>
    private sealed record TopicStream(ushort Id, FyersListing Listing, InstrumentState State, int[] Last);
}
