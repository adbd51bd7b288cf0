using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Feed;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// The Fyers data socket: authenticates with the token's <c>hsm_key</c>, sets the full and lite channels' modes, subscribes
/// each topic on its role's channel, hands every
/// quote to storage and the live view, heartbeats and acks, and redials with backoff when the socket dies or goes silent.
/// Each drop of a subscribed socket is a feed gap.
/// </summary>
public sealed partial class FyersFeedConnection : IDisposable
{
    /// <summary>The <c>connection</c> tag and <c>feed_gaps.connection</c>: Fyers streams over one socket.</summary>
    public const string Label = "0";

    private const int InitialBufferSize = 64 * 1024;

    // The u16 length field caps a Fyers frame at 64 KiB; anything far larger is not the data socket.
    private const int MaxMessageSize = 1024 * 1024;
    private const int ControlBufferSize = 256;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly Dictionary<string, FyersTopicAssignment> Nothing = new(StringComparer.Ordinal);

    private readonly IOptionsMonitor<FyersOptions> _optionsMonitor;
    private readonly FyersSession _session;
    private readonly ITickSink _sink;
    private readonly LiveTickRelay _liveTicks;
    private readonly BrokerFeedMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _brokerTag = new("broker", FyersFeed.BrokerName);
    private readonly KeyValuePair<string, object?> _connectionTag = new("connection", Label);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly ArrayBufferWriter<byte> _message = new(4096);
    private readonly Random _random = new(Random.Shared.Next());
    private readonly IDisposable? _optionsChanged;
    private readonly FeedSocket _feed;
    private Dictionary<string, FyersTopicAssignment> _desired = Nothing;
    private Dictionary<string, FyersTopicAssignment> _onServer = Nothing;
    private ClientWebSocket? _socket;
    private Tick[] _ticks = new Tick[256];
    private int _state;
    private string? _problem;
    private long _malformedFrames;

    public FyersFeedConnection(IOptionsMonitor<FyersOptions> options, FyersSession session, ITickSink sink, LiveTickRelay liveTicks, FeedGapRecorder gaps,
        BrokerFeedMetrics metrics, TimeProvider timeProvider, ILogger<FyersFeedConnection> logger)
    {
        _optionsMonitor = options;
        _session = session;
        _sink = sink;
        _liveTicks = liveTicks;
        _metrics = metrics;
        _time = timeProvider;
        _logger = logger;
        _feed = new FeedSocket(FyersFeed.BrokerName, Label, InitialBufferSize, MaxMessageSize, _sendLock, gaps, metrics, timeProvider,
            error => LogCloseFailed(_logger, error), reason => LogAborting(_logger, reason),
            (count, interval) => LogBadFramesSummary(_logger, count, interval.TotalSeconds));
        // A new token in the configuration wakes a connection that waits for one.
        _optionsChanged = options.OnChange(_ => Release(_changed));
        // So does a login.
        session.TokenChanged += OnTokenChanged;
        metrics.TrackState(ObserveState);
        metrics.StartCounting(_brokerTag, _connectionTag);
    }

    public FyersConnectionState State => (FyersConnectionState)Volatile.Read(ref _state);

    /// <summary>Why the connection is not up, when it is not.</summary>
    public string? Problem => Volatile.Read(ref _problem);

    /// <summary>Topic → instrument id and role: what the socket must stream, and on which channel.</summary>
    public IReadOnlyDictionary<string, FyersTopicAssignment> Assigned => Volatile.Read(ref _desired);

    /// <summary>The topics the open, authenticated socket was told; empty while none is.</summary>
    public IReadOnlyCollection<string> Subscribed => Volatile.Read(ref _onServer).Keys;

    /// <summary>Frames the decoder skipped as malformed or truncated, over every socket of this process.</summary>
    public long MalformedFrames => Interlocked.Read(ref _malformedFrames);

    /// <summary>Assigns a new topic set and sends the difference on the open socket; a socket not yet authenticated gets the whole set then.</summary>
    public async Task ApplyAsync(Dictionary<string, FyersTopicAssignment> topics, CancellationToken cancellationToken)
    {
        // The map is swapped before subscribing, so the snapshot of a new topic already has its instrument id.
        Volatile.Write(ref _desired, topics);
        Release(_changed);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket is not { State: WebSocketState.Open } socket || Volatile.Read(ref _onServer) == Nothing)
            {
                return;
            }
            await SendChangesAsync(socket, Volatile.Read(ref _onServer), topics, cancellationToken);
            Volatile.Write(ref _onServer, topics);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
        {
            // The read loop sees the broken socket too and redials; the new socket gets the whole set.
            LogApplyFailed(_logger, exception);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Keeps the socket up while it has topics, until <paramref name="cancellationToken"/> stops the host.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = _optionsMonitor.CurrentValue;
        var backoff = new ReconnectBackoff(options.ReconnectInitialDelay, options.ReconnectMaxDelay, options.HealthyConnectionPeriod, _time, _random);
        var dialled = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (Volatile.Read(ref _desired).Count == 0)
                {
                    dialled = false;
                    SetState(FyersConnectionState.Idle, null);
                    await _changed.WaitAsync(cancellationToken);
                    continue;
                }
                options = _optionsMonitor.CurrentValue;
                if (!TryReadToken(out var token, out var problem))
                {
                    // Not a crash and not a redial loop: /health says why, and a new token (or the next retry) wakes it.
                    SetState(FyersConnectionState.WaitingForToken, problem);
                    await WaitForTokenAsync(options, cancellationToken);
                    continue;
                }
                if (dialled)
                {
                    _metrics.Reconnects.Add(1, _brokerTag, _connectionTag);
                }
                dialled = true;
                SetState(FyersConnectionState.Connecting, Problem);
                var outcome = await RunSessionAsync(options, token, backoff, cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
                if (outcome == SessionOutcome.TokenRejected)
                {
                    await WaitForTokenAsync(options, cancellationToken);
                    continue;
                }
                await BackOffAsync(backoff, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogLoopFailed(_logger, exception);
                SetState(FyersConnectionState.Reconnecting, exception.Message);
                try
                {
                    await BackOffAsync(backoff, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        SetState(FyersConnectionState.Stopped, "The host is stopping");
    }

    public void Dispose()
    {
        _feed.Dispose();
        _optionsChanged?.Dispose();
        _session.TokenChanged -= OnTokenChanged;
        _sendLock.Dispose();
        _changed.Dispose();
    }

    private bool TryReadToken(out FyersAccessToken token, out string problem)
    {
        token = null!;
        problem = "";
        if (_session.AccessToken is not { Length: > 0 } accessToken || string.IsNullOrWhiteSpace(accessToken))
        {
            problem = $"No Fyers access token: log in at {FyersSession.LoginPath} (or set Fyers:AccessToken to today's APP_ID:JWT)";
            return false;
        }
        try
        {
            token = FyersAccessToken.Parse(accessToken, _time);
            return true;
        }
        catch (FyersAccessTokenException exception)
        {
            problem = $"The Fyers access token is unusable ({exception.Problem}): {exception.Message} Log in at {FyersSession.LoginPath}";
            return false;
        }
    }

    private void OnTokenChanged(object? sender, EventArgs e) => Release(_changed);

    private async Task WaitForTokenAsync(FyersOptions options, CancellationToken cancellationToken)
    {
        LogWaitingForToken(_logger, Problem ?? "", options.TokenRetryInterval.TotalSeconds);
        using var retry = new CancellationTokenSource(options.TokenRetryInterval, _time);
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, retry.Token);
        try
        {
            await _changed.WaitAsync(wake.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The retry interval is over: read the token again.
        }
    }

    private async Task BackOffAsync(ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        var delay = backoff.NextDelay();
        SetState(FyersConnectionState.Reconnecting, Problem);
        LogRedialling(_logger, delay.TotalMilliseconds, backoff.Attempt);
        await Task.Delay(delay, _time, cancellationToken);
    }

    private async Task<SessionOutcome> RunSessionAsync(FyersOptions options, FyersAccessToken token, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        // No Authorization header: the gateway silently ignores the auth frame of an upgrade that carried one (spec §1.1).
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(options.DataSocketUrl, connectTimeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                SetState(FyersConnectionState.Reconnecting, $"Dialling failed: {exception.Message}");
                LogDialFailed(_logger, options.DataSocketUrl.GetLeftPart(UriPartial.Path), exception.Message);
                return SessionOutcome.Dropped;
            }
        }

        _feed.Touch(_time.GetUtcNow());
        // Topic ids are per socket: a fresh decoder forgets the old ones, and the new snapshots rebind them.
        var session = new Session(socket, new FyersFeedDecoder(), token, backoff);
        await SendAsync(socket, buffer => FyersFrameWriter.WriteAuthentication(buffer, token.HsmKey, options.Source), cancellationToken);
        await SendAsync(socket, static buffer => FyersFrameWriter.WriteMode(buffer, FyersMode.Full, FyersTopicAssignment.FullChannel), cancellationToken);
        await SendAsync(socket, static buffer => FyersFrameWriter.WriteMode(buffer, FyersMode.Lite, FyersTopicAssignment.LiteChannel), cancellationToken);
        using var abort = new CancellationTokenSource();
        using var receiveEnded = new CancellationTokenSource();
        var monitor = MonitorAsync(session, options, abort, receiveEnded.Token, cancellationToken);
        await FeedSocket.RunSessionAsync(() => ReceiveAsync(session, abort.Token), receiveEnded, monitor, DetachAsync);
        return session.TokenRejected ? SessionOutcome.TokenRejected : SessionOutcome.Dropped;
    }

    /// <summary>Reads whole messages until the socket closes or the token is refused; returns why it ended.</summary>
    private async Task<string> ReceiveAsync(Session session, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var message = await _feed.ReceiveAsync(session.Socket, cancellationToken);
                if (message.Ended is { } ended)
                {
                    return ended;
                }
                if (message.Type != WebSocketMessageType.Binary)
                {
                    // The protocol is binary only; text is no part of it.
                    continue;
                }
                _feed.BeginBusy();
                try
                {
                    var frame = Decode(session, _feed.Buffer.AsSpan(0, message.Length), message.ReceivedAt);
                    if (await HandleAsync(session, frame, message.ReceivedAt, cancellationToken) is { } sessionEnded)
                    {
                        return sessionEnded;
                    }
                }
                finally
                {
                    _feed.EndBusy();
                }
            }
        }
        finally
        {
            _feed.ReleaseBuffer();
        }
    }

    /// <summary>Acts on one decoded frame; returns why the session must end, or null to keep reading.</summary>
    private async Task<string?> HandleAsync(Session session, DecodedFrame frame, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        switch (frame.Type)
        {
            case FyersMessageType.Authentication when frame.Status == FyersResponseStatus.Accepted:
                await ReplayAsync(session.Socket, cancellationToken);
                session.Authenticated = true;
                session.Backoff.Connected();
                SetState(FyersConnectionState.Up, null);
                return null;
            case FyersMessageType.Authentication:
                // A refused hsm_key stays refused: wait for a new token instead of hammering Fyers with it.
                session.TokenRejected = true;
                SetState(FyersConnectionState.WaitingForToken, "Fyers refused the access token's hsm_key on the data socket (auth \"N\"); log in again for a new token");
                LogTokenRejected(_logger);
                return "the access token was refused";
            case FyersMessageType.Subscribe or FyersMessageType.Mode or FyersMessageType.Unsubscribe when frame.Status != FyersResponseStatus.Accepted:
                LogRequestRefused(_logger, frame.Type, frame.Status);
                return null;
            case FyersMessageType.DataFeed:
                _feed.DataReceived(receivedAt);
                if (frame.Malformed)
                {
                    Interlocked.Increment(ref _malformedFrames);
                    if (_feed.CountBadFrames(1))
                    {
                        LogBadFrame(_logger, frame.MessageNumber, session.Decoder.MalformedFrames);
                    }
                }
                if (frame.AckDue)
                {
                    await SendAsync(session.Socket, buffer => FyersFrameWriter.WriteAcknowledgement(buffer, frame.MessageNumber), cancellationToken);
                }
                await StoreAsync(frame.Ticks, cancellationToken);
                return null;
            default:
                return null;
        }
    }

    private DecodedFrame Decode(Session session, ReadOnlySpan<byte> message, DateTimeOffset receivedAt)
    {
        var reader = session.Decoder.Read(message);
        if (reader.Type != FyersMessageType.DataFeed)
        {
            return new DecodedFrame(reader.Type, reader.Status, reader.IsMalformed, false, 0, 0);
        }
        if (_ticks.Length < reader.RecordCount)
        {
            _ticks = new Tick[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)reader.RecordCount)];
        }
        var map = Volatile.Read(ref _desired);
        var count = 0;
        while (reader.TryReadNext(out var quote))
        {
            // A topic just unsubscribed has nothing to be stored under.
            if (!map.TryGetValue(quote.Topic.Name, out var assignment))
            {
                continue;
            }
            if (assignment.Role == FyersTopicRole.Depth)
            {
                // The book is stored with the instrument's next quote, as Kite stores it: one row per quote, none per book change.
                session.Books[assignment.InstrumentId] = FyersBestQuote.From(in quote);
                continue;
            }
            var book = session.Books.TryGetValue(assignment.InstrumentId, out var best) ? best : (FyersBestQuote?)null;
            if (FyersTickMapping.TryToTick(in quote, assignment.InstrumentId, assignment.Role, book, receivedAt, out _ticks[count]))
            {
                count++;
            }
        }
        return new DecodedFrame(FyersMessageType.DataFeed, reader.Status, reader.IsMalformed, reader.AckDue, reader.MessageNumber, count);
    }

    private async Task StoreAsync(int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }
        _metrics.TicksReceived.Add(count, _brokerTag, _connectionTag);
        _liveTicks.Publish(_ticks.AsSpan(0, count));
        for (var i = 0; i < count; i++)
        {
            // The wait here is the back-pressure: the socket is not read until storage has room again.
            if (!_sink.TryWrite(in _ticks[i]))
            {
                await _sink.WriteAsync(_ticks[i], cancellationToken);
            }
        }
    }

    private async Task ReplayAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            // A new socket starts with no topics, whatever the old one had.
            var desired = Volatile.Read(ref _desired);
            await SendChangesAsync(socket, Nothing, desired, cancellationToken);
            _socket = socket;
            // Never the shared empty map: ApplyAsync reads that one as "not authenticated yet".
            Volatile.Write(ref _onServer, desired.Count == 0 ? new Dictionary<string, FyersTopicAssignment>(StringComparer.Ordinal) : desired);
            _feed.Subscribed(desired.Values.Select(assignment => assignment.InstrumentId).Distinct());
            LogSubscribed(_logger, desired.Count);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendChangesAsync(ClientWebSocket socket, Dictionary<string, FyersTopicAssignment> from, Dictionary<string, FyersTopicAssignment> to, CancellationToken cancellationToken)
    {
        var chunk = _optionsMonitor.CurrentValue.MaxTopicsPerFrame;
        // A topic whose mode changed moves channel: it leaves the old one and joins the new one.
        var removed = from.Where(pair => !to.TryGetValue(pair.Key, out var next) || next.Channel != pair.Value.Channel).ToArray();
        var added = to.Where(pair => !from.TryGetValue(pair.Key, out var previous) || previous.Channel != pair.Value.Channel).ToArray();
        foreach (var channel in removed.GroupBy(pair => pair.Value.Channel))
        {
            foreach (var part in channel.Select(pair => pair.Key).Chunk(chunk))
            {
                FyersFrameWriter.WriteUnsubscribe(_message, part, channel.Key);
                await SendMessageAsync(socket, cancellationToken);
            }
        }
        foreach (var channel in added.GroupBy(pair => pair.Value.Channel))
        {
            foreach (var part in channel.Select(pair => pair.Key).Chunk(chunk))
            {
                FyersFrameWriter.WriteSubscribe(_message, part, channel.Key);
                await SendMessageAsync(socket, cancellationToken);
            }
        }
    }

    private async Task SendMessageAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(_message.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _message.ResetWrittenCount();
        }
    }

    private async Task SendAsync(ClientWebSocket socket, Func<byte[], int> write, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ControlBufferSize);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(buffer.AsMemory(0, write(buffer)), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
            }
        }
        finally
        {
            _sendLock.Release();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends heartbeats; closes the socket when it goes silent, is not authenticated in time, loses its last topic, its token expires, or the host stops.</summary>
    private async Task MonitorAsync(Session session, FyersOptions options, CancellationTokenSource abort, CancellationToken receiveEnded, CancellationToken stopping)
    {
        var period = FeedSocket.WatchPeriod(options.WatchdogTimeout < options.HeartbeatInterval ? options.WatchdogTimeout : options.HeartbeatInterval);
        var openedAt = _time.GetUtcNow();
        var lastHeartbeat = openedAt;
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(receiveEnded, stopping);
        string reason;
        try
        {
            while (true)
            {
                await Task.Delay(period, _time, watch.Token);
                var now = _time.GetUtcNow();
                if (_feed.IsSilent(now, options.WatchdogTimeout, out var silence))
                {
                    reason = $"no data for {silence.TotalSeconds:0.0} s";
                    LogWatchdog(_logger, silence.TotalSeconds);
                    SetState(FyersConnectionState.Reconnecting, $"Watchdog: {reason}");
                    break;
                }
                if (!session.Authenticated && now - openedAt >= options.AuthenticationTimeout)
                {
                    reason = "no authentication answer";
                    SetState(FyersConnectionState.Reconnecting, $"Fyers did not answer the authentication within {options.AuthenticationTimeout.TotalSeconds:0} s");
                    break;
                }
                if (session.Token.IsExpired(_time))
                {
                    reason = "the access token expired";
                    break;
                }
                if (Volatile.Read(ref _desired).Count == 0)
                {
                    reason = "no instruments left";
                    break;
                }
                if (session.Authenticated && now - lastHeartbeat >= options.HeartbeatInterval)
                {
                    lastHeartbeat = now;
                    await SendAsync(session.Socket, static buffer => FyersFrameWriter.WriteHeartbeat(buffer), watch.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (receiveEnded.IsCancellationRequested)
            {
                return;
            }
            reason = "the host is stopping";
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
        {
            reason = $"sending a heartbeat failed: {exception.Message}";
        }
        await _feed.CloseAsync(session.Socket, abort, reason, receiveEnded);
    }

    /// <summary>Forgets the socket; if it carried topics and no gap is open yet, one opens at the last frame received.</summary>
    private async Task DetachAsync(string reason)
    {
        await _sendLock.WaitAsync();
        Dictionary<string, FyersTopicAssignment> onServer;
        try
        {
            _socket = null;
            onServer = Volatile.Read(ref _onServer);
            Volatile.Write(ref _onServer, Nothing);
        }
        finally
        {
            _sendLock.Release();
        }
        _feed.Detached();
        if (State != FyersConnectionState.WaitingForToken)
        {
            SetState(FyersConnectionState.Reconnecting, $"Disconnected: {reason}");
        }
        if (onServer.Count == 0 || _feed.GapOpen)
        {
            return;
        }
        _feed.OpenGap(onServer.Values.Select(assignment => assignment.InstrumentId).Distinct().Order().ToArray());
    }

    private void SetState(FyersConnectionState state, string? problem)
    {
        Volatile.Write(ref _problem, problem);
        var previous = (FyersConnectionState)Interlocked.Exchange(ref _state, (int)state);
        if (previous != state)
        {
            LogStateChanged(_logger, previous, state, problem ?? "");
        }
    }

    private static void Release(SemaphoreSlim semaphore)
    {
        try
        {
            semaphore.Release();
        }
        catch (ObjectDisposedException)
        {
            // A configuration reload raced the host's shutdown.
        }
    }

    private Measurement<int>? ObserveState() =>
        Volatile.Read(ref _desired).Count == 0
            ? null
            : new Measurement<int>(State == FyersConnectionState.Up ? 1 : 0, _brokerTag, _connectionTag);

    private enum SessionOutcome
    {
        Dropped,
        TokenRejected,
    }

    /// <summary>One socket's life: its decoder (topic table), the best bid/ask of each full-mode instrument, token, and how far the handshake got.</summary>
    private sealed class Session(ClientWebSocket socket, FyersFeedDecoder decoder, FyersAccessToken token, ReconnectBackoff backoff)
    {
        public ClientWebSocket Socket { get; } = socket;

        public FyersFeedDecoder Decoder { get; } = decoder;

        /// <summary>Instrument id → level 1 of its depth topic; per socket, since a new socket's snapshots rebuild it.</summary>
        public Dictionary<int, FyersBestQuote> Books { get; } = [];

        public FyersAccessToken Token { get; } = token;

        public ReconnectBackoff Backoff { get; } = backoff;

        public volatile bool Authenticated;

        public bool TokenRejected;
    }

    private readonly record struct DecodedFrame(FyersMessageType Type, FyersResponseStatus Status, bool Malformed, bool AckDue, uint MessageNumber, int Ticks);
}
