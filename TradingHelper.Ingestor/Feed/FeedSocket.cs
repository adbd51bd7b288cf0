using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;

namespace TradingHelper.Ingestor.Feed;

/// <summary>
/// The socket mechanics every broker feed connection shares, kept across its redials: whole-message reads into a pooled
/// buffer, the watchdog's view of activity, the close handshake, the feed gap a dropped subscribed socket leaves, and the
/// count of bad frames. The connection keeps what differs per broker: dialling, the protocol, its subscriptions and its state.
/// </summary>
public sealed class FeedSocket : IDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly string _broker;
    private readonly string _connection;
    private readonly int _initialBufferSize;
    private readonly int _maxMessageSize;
    private readonly SemaphoreSlim _sendLock;
    private readonly FeedGapRecorder _gaps;
    private readonly BrokerFeedMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly KeyValuePair<string, object?> _brokerTag;
    private readonly KeyValuePair<string, object?> _connectionTag;
    private readonly Action<string> _logCloseFailed;
    private readonly Action<string> _logAborting;
    private readonly BadFrameLog _badFrames;
    private byte[]? _buffer;
    private long _lastActivityTicks;
    private long _lastFrameTicks;
    private long _subscribedAtTicks;
    private int _busy;
    private int _awaitingFirstFrame;
    private bool _gapOpen;
    private bool _closeStaleGap = true;
    private bool _crashChecked;

    /// <param name="broker">The <c>broker</c> tag and <c>feed_gaps.broker</c>.</param>
    /// <param name="connection">The <c>connection</c> tag and <c>feed_gaps.connection</c>.</param>
    /// <param name="initialBufferSize">The receive buffer a session starts with.</param>
    /// <param name="maxMessageSize">The largest message the buffer grows to; a larger one ends the session.</param>
    /// <param name="sendLock">The connection's send lock: close frames must not interleave with its own sends.</param>
    /// <param name="gaps">Where gaps are recorded.</param>
    /// <param name="metrics">The feed's counters.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logCloseFailed">Logs a failed close handshake in the connection's own words.</param>
    /// <param name="logAborting">Logs a socket cut off without a close answer in the connection's own words.</param>
    /// <param name="logBadFramesSummary">Logs, in the connection's own words, how many bad packets or frames went unlogged in an interval.</param>
    public FeedSocket(string broker, string connection, int initialBufferSize, int maxMessageSize, SemaphoreSlim sendLock, FeedGapRecorder gaps,
        BrokerFeedMetrics metrics, TimeProvider time, Action<string> logCloseFailed, Action<string> logAborting, Action<long, TimeSpan> logBadFramesSummary)
    {
        _broker = broker;
        _connection = connection;
        _initialBufferSize = initialBufferSize;
        _maxMessageSize = maxMessageSize;
        _sendLock = sendLock;
        _gaps = gaps;
        _metrics = metrics;
        _time = time;
        _brokerTag = new("broker", broker);
        _connectionTag = new("connection", connection);
        _logCloseFailed = logCloseFailed;
        _logAborting = logAborting;
        _badFrames = new BadFrameLog(time, logBadFramesSummary);
    }

    /// <summary>The message <see cref="ReceiveAsync"/> read last; valid until the next read or <see cref="ReleaseBuffer"/>.</summary>
    public byte[] Buffer => _buffer ?? [];

    /// <summary>Whether a gap opened by a dropped socket is still waiting for data to end it.</summary>
    public bool GapOpen => _gapOpen;

    /// <summary>How often the watchdog looks: often enough to catch the shortest deadline, rarely enough to cost nothing.</summary>
    public static TimeSpan WatchPeriod(TimeSpan shortestDeadline) =>
        TimeSpan.FromTicks(Math.Clamp(shortestDeadline.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));

    /// <summary>Marks the socket alive now: a frame arrived, or the socket was just opened or read again.</summary>
    public void Touch(DateTimeOffset at) => Volatile.Write(ref _lastActivityTicks, at.UtcTicks);

    /// <summary>The socket is about to wait on storage: that time is not silence from the broker.</summary>
    public void BeginBusy() => Volatile.Write(ref _busy, 1);

    /// <summary>Storage took the frame: the silence clock restarts now, since the socket was not read meanwhile.</summary>
    public void EndBusy()
    {
        Touch(_time.GetUtcNow());
        Volatile.Write(ref _busy, 0);
    }

    /// <summary>Whether nothing arrived for <paramref name="timeout"/> while the socket was being read.</summary>
    public bool IsSilent(DateTimeOffset now, TimeSpan timeout, out TimeSpan silence)
    {
        silence = now - new DateTimeOffset(Volatile.Read(ref _lastActivityTicks), TimeSpan.Zero);
        return silence >= timeout && Volatile.Read(ref _busy) == 0;
    }

    /// <summary>The socket was told its subscriptions now: a gap it ends starts no earlier, and its first data ends any open gap.</summary>
    /// <param name="instrumentIds">The instruments it was told to stream.</param>
    /// <remarks>
    /// The first subscription of the process also covers a crash: a killed process opened no gap at its end, so one opens
    /// from the last tick stored for these instruments, unless the earlier run left its own gap open. The first data ends it.
    /// </remarks>
    public void Subscribed(IEnumerable<int> instrumentIds)
    {
        var now = _time.GetUtcNow();
        Volatile.Write(ref _subscribedAtTicks, now.UtcTicks);
        if (!_crashChecked)
        {
            var ids = instrumentIds.Distinct().Order().ToArray();
            if (ids.Length > 0)
            {
                _crashChecked = true;
                _gaps.OpenSinceLastTick(_broker, _connection, ids, now);
            }
        }
        Interlocked.Exchange(ref _awaitingFirstFrame, 1);
    }

    /// <summary>
    /// Data arrived at <paramref name="at"/>: a dropped socket's gap would start here. The first data of a socket ends the
    /// open gap, and a row left open by an earlier run (a crash, a stop) too; returns true for the first data of this process.
    /// </summary>
    public bool DataReceived(DateTimeOffset at)
    {
        Volatile.Write(ref _lastFrameTicks, at.UtcTicks);
        if (Interlocked.Exchange(ref _awaitingFirstFrame, 0) != 1 || !(_gapOpen || _closeStaleGap))
        {
            return false;
        }
        _gaps.Close(_broker, _connection, at);
        _gapOpen = false;
        var first = _closeStaleGap;
        _closeStaleGap = false;
        return first;
    }

    /// <summary>The socket is gone: its subscriptions no longer count as awaiting data.</summary>
    public void Detached() => Interlocked.Exchange(ref _awaitingFirstFrame, 0);

    /// <summary>
    /// Instruments handed to this connection while its gap is open (moved from another connection, or newly subscribed,
    /// during the outage) stream nothing either: the open gap covers them too.
    /// </summary>
    public void WidenGap(int[] instrumentIds)
    {
        if (Volatile.Read(ref _gapOpen) && instrumentIds.Length > 0)
        {
            _gaps.Open(_broker, _connection, instrumentIds, _time.GetUtcNow());
        }
    }

    /// <summary>Opens a gap for the instruments a dropped socket carried, from its last data (or its subscribing, if later).</summary>
    /// <param name="instrumentIds">Sorted and distinct.</param>
    public void OpenGap(int[] instrumentIds)
    {
        var startedAt = new DateTimeOffset(Math.Max(Volatile.Read(ref _lastFrameTicks), Volatile.Read(ref _subscribedAtTicks)), TimeSpan.Zero);
        // Counted before the row is queued, so whoever sees the row also sees it counted.
        _metrics.FeedGaps.Add(1, _brokerTag, _connectionTag);
        _gaps.Open(_broker, _connection, instrumentIds, startedAt);
        _gapOpen = true;
    }

    /// <summary>
    /// Counts bad packets or frames the connection skipped, every one, in <c>tradinghelper.broker.frames.bad</c>; returns
    /// true when the connection should log them now (see <see cref="BadFrameLog"/>).
    /// </summary>
    public bool CountBadFrames(int count)
    {
        _metrics.FramesBad.Add(count, _brokerTag, _connectionTag);
        return _badFrames.ShouldLog(count);
    }

    /// <summary>
    /// Reads one whole message into <see cref="Buffer"/>, growing it from the pool, and marks the socket alive. Returns the
    /// message's length, or null with <paramref name="ended"/> saying why the session is over: the server closed it (answered
    /// here) or the message outgrew the largest allowed.
    /// </summary>
    /// <remarks>Pooled, so a read that has to wait for the network costs no allocation per frame.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FeedMessage> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(_initialBufferSize);
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (length == _buffer.Length)
            {
                if (_buffer.Length >= _maxMessageSize)
                {
                    _metrics.FramesBad.Add(1, _brokerTag, _connectionTag);
                    return new FeedMessage(default, 0, default, $"a message larger than {_maxMessageSize} bytes");
                }
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        var receivedAt = _time.GetUtcNow();
        if (result.MessageType == WebSocketMessageType.Close)
        {
            await AnswerCloseAsync(socket);
            return new FeedMessage(receivedAt, 0, result.MessageType, $"closed by the server ({socket.CloseStatus} {socket.CloseStatusDescription})");
        }
        Touch(receivedAt);
        return new FeedMessage(receivedAt, length, result.MessageType, null);
    }

    public void Dispose() => _badFrames.Dispose();

    /// <summary>Gives the receive buffer back to the pool when a session ends.</summary>
    public void ReleaseBuffer()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Sends a close frame and keeps reading until the server's close arrives, so ticks already on the wire are stored;
    /// a server that does not answer in time is cut off.
    /// </summary>
    public async Task CloseAsync(ClientWebSocket socket, CancellationTokenSource abort, string reason, CancellationToken receiveEnded)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, _time);
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", timeout.Token);
                }
            }
            finally
            {
                _sendLock.Release();
            }
            await Task.Delay(CloseTimeout, _time, receiveEnded);
        }
        catch (OperationCanceledException) when (receiveEnded.IsCancellationRequested)
        {
            return;
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            _logCloseFailed(exception.Message);
        }
        _logAborting(reason);
        await abort.CancelAsync();
        socket.Abort();
    }

    private async Task AnswerCloseAsync(ClientWebSocket socket)
    {
        if (socket.State != WebSocketState.CloseReceived)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(CloseTimeout, _time);
        try
        {
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            _logCloseFailed(exception.Message);
        }
    }

    /// <summary>
    /// Runs one session's receive work, then stops its monitor and detaches: whatever ends the session (a storage or
    /// publish failure included), the socket is forgotten and the gap opened, exactly once. Returns why it ended;
    /// unexpected exceptions are rethrown after the detach, for the caller to log and back off.
    /// </summary>
    public static async Task<string> RunSessionAsync(
        Func<Task<string>> receive, CancellationTokenSource receiveEnded, Task monitor, Func<string, Task> detach)
    {
        var reason = "the session failed";
        try
        {
            reason = await receive();
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or OperationCanceledException)
        {
            reason = exception is OperationCanceledException ? "closed without an answer" : exception.Message;
        }
        catch (Exception exception)
        {
            reason = exception.Message;
            throw;
        }
        finally
        {
            try
            {
                await receiveEnded.CancelAsync();
                await monitor;
            }
            finally
            {
                await detach(reason);
            }
        }
        return reason;
    }
}

/// <summary>One whole message in <see cref="FeedSocket.Buffer"/>, or why the session ended instead.</summary>
/// <param name="ReceivedAt">When its last fragment arrived.</param>
/// <param name="Length">Its bytes at the start of the buffer.</param>
/// <param name="Type">Text or binary.</param>
/// <param name="Ended">Why the session is over; null while it goes on.</param>
public readonly record struct FeedMessage(DateTimeOffset ReceivedAt, int Length, WebSocketMessageType Type, string? Ended);
