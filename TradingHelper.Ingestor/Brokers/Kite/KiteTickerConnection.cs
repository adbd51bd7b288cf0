using System.Buffers;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.WebSockets;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Subscriptions;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// One Kite ticker socket: dials, replays its token→mode set, hands every tick to storage and the live view, and
/// redials with backoff when the socket dies or goes silent. Each drop of a subscribed socket is a feed gap.
/// </summary>
public sealed partial class KiteTickerConnection : IDisposable
{
    private const int InitialBufferSize = 64 * 1024;
    private const int MaxMessageSize = 16 * 1024 * 1024;

    // The smallest packet (LTP) with its length prefix: a frame cannot hold more packets than its bytes allow.
    private const int MinPacketBytes = 2 + 8;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly Dictionary<uint, DesiredSubscription> Nothing = [];

    private readonly KiteFeedServices _services;
    private readonly KiteOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _brokerTag;
    private readonly KeyValuePair<string, object?> _connectionTag;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _changed = new(0);
    private readonly ArrayBufferWriter<byte> _message = new(4096);
    private readonly Random _random;
    private readonly Action<DateTimeOffset>? _firstData;
    private readonly FeedSocket _feed;
    private Dictionary<uint, DesiredSubscription> _desired = Nothing;
    private Dictionary<uint, DesiredSubscription> _onServer = Nothing;
    // What the read loop stores ticks under: every token subscribed on this socket, including those unsubscribed since.
    // Ticks the broker sent before it took an unsubscribe are still ticks received, and after a handover to another
    // Ingestor they are the only copies (the new holder subscribes only after this one let go).
    private Dictionary<uint, DesiredSubscription> _receiving = Nothing;
    private ClientWebSocket? _socket;
    private Tick[] _ticks = new Tick[256];
    private int _state;
    private string? _problem;

    /// <param name="index">The connection's slot.</param>
    /// <param name="services">What every connection shares.</param>
    /// <param name="firstData">Called once, when this connection first receives data in this process.</param>
    public KiteTickerConnection(int index, KiteFeedServices services, Action<DateTimeOffset>? firstData = null)
    {
        _firstData = firstData;
        Index = index;
        Label = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _services = services;
        _options = services.Options;
        _time = services.TimeProvider;
        _logger = services.LoggerFactory.CreateLogger<KiteTickerConnection>();
        _brokerTag = new("broker", services.BrokerName);
        _connectionTag = new("connection", Label);
        _random = new Random(Random.Shared.Next());
        _feed = new FeedSocket(services.BrokerName, Label, InitialBufferSize, MaxMessageSize, _sendLock, services.Gaps, services.Metrics, _time,
            error => LogCloseFailed(_logger, Label, error), reason => LogAborting(_logger, Label, reason),
            (count, interval) => LogBadFramesSummary(_logger, Label, count, interval.TotalSeconds));
        services.Metrics.TrackState(ObserveState);
        services.Metrics.StartCounting(_brokerTag, _connectionTag);
    }

    /// <summary>The connection's index, 0 to MaxConnections − 1.</summary>
    public int Index { get; }

    /// <summary>The index as text: the <c>connection</c> tag and <c>feed_gaps.connection</c>.</summary>
    public string Label { get; }

    public KiteConnectionState State => (KiteConnectionState)Volatile.Read(ref _state);

    /// <summary>Why the connection is not up, when it is not.</summary>
    public string? Problem => Volatile.Read(ref _problem);

    /// <summary>The tokens assigned to this connection (what it must stream).</summary>
    public IReadOnlyDictionary<uint, DesiredSubscription> Assigned => Volatile.Read(ref _desired);

    /// <summary>The token→mode set the open socket was told, empty while no socket is open.</summary>
    public IReadOnlyDictionary<uint, KiteMode> SubscribedModes =>
        Volatile.Read(ref _onServer).ToDictionary(pair => pair.Key, pair => pair.Value.Mode);

    /// <summary>Assigns a new shard and sends the difference on the open socket; a closed socket gets the whole set when it redials.</summary>
    public async Task ApplyAsync(Dictionary<uint, DesiredSubscription> shard, CancellationToken cancellationToken)
    {
        // The map is swapped before subscribing, so the first tick of a new token already has its instrument id.
        var before = Volatile.Read(ref _desired);
        Volatile.Write(ref _desired, shard);
        _feed.WidenGap([.. shard.Where(pair => !before.ContainsKey(pair.Key)).Select(pair => pair.Value.InstrumentId).Distinct().Order()]);
        _changed.Release();
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket is not { State: WebSocketState.Open } socket)
            {
                return;
            }
            var onServer = Volatile.Read(ref _onServer);
            var receiving = new Dictionary<uint, DesiredSubscription>(Volatile.Read(ref _receiving));
            foreach (var (token, subscription) in shard)
            {
                receiving[token] = subscription;
            }
            Volatile.Write(ref _receiving, receiving);
            await SendChangesAsync(socket, onServer, shard, cancellationToken);
            Volatile.Write(ref _onServer, shard);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
        {
            // The read loop sees the broken socket too and redials; the new socket gets the whole set.
            LogApplyFailed(_logger, exception, Label);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Keeps the connection up while it has instruments, until <paramref name="cancellationToken"/> stops the host.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectInitialDelay, _options.ReconnectMaxDelay, _options.HealthyConnectionPeriod, _time, _random);
        var dialled = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (Volatile.Read(ref _desired).Count == 0)
                {
                    dialled = false;
                    SetState(KiteConnectionState.Idle, null);
                    await _changed.WaitAsync(cancellationToken);
                    continue;
                }
                if (string.IsNullOrWhiteSpace(_options.ApiKey))
                {
                    SetState(KiteConnectionState.WaitingForLogin, "Kite:ApiKey is not set");
                    await _changed.WaitAsync(cancellationToken);
                    continue;
                }
                if (_services.Session.AccessToken is null)
                {
                    SetState(KiteConnectionState.WaitingForLogin, $"No Kite login: {_services.Session.Problem}");
                }
                var accessToken = await _services.Session.WaitForTokenAsync(cancellationToken);
                if (dialled)
                {
                    _services.Metrics.Reconnects.Add(1, _brokerTag, _connectionTag);
                }
                dialled = true;
                SetState(KiteConnectionState.Connecting, Problem);
                var outcome = await RunSessionAsync(accessToken, backoff, cancellationToken);
                if (outcome == SessionOutcome.TokenRejected || cancellationToken.IsCancellationRequested)
                {
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
                LogLoopFailed(_logger, exception, Label);
                SetState(KiteConnectionState.Reconnecting, exception.Message);
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
        SetState(KiteConnectionState.Stopped, "The host is stopping");
    }

    private async Task BackOffAsync(ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        var delay = backoff.NextDelay();
        SetState(KiteConnectionState.Reconnecting, Problem);
        LogRedialling(_logger, Label, delay.TotalMilliseconds, backoff.Attempt);
        await Task.Delay(delay, _time, cancellationToken);
    }

    private async Task<SessionOutcome> RunSessionAsync(string accessToken, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Kite-Version", "3");
        socket.Options.CollectHttpResponseDetails = true;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket.ConnectAsync(TickerUri(accessToken), connectTimeout.Token);
            }
            catch (Exception exception) when (exception is WebSocketException or HttpRequestException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return HandshakeFailed(socket.HttpStatusCode, exception, accessToken);
            }
        }

        _feed.Touch(_time.GetUtcNow());
        using var abort = new CancellationTokenSource();
        using var receiveEnded = new CancellationTokenSource();
        var monitor = MonitorAsync(socket, abort, receiveEnded.Token, cancellationToken);
        await FeedSocket.RunSessionAsync(async () =>
        {
            await ReplayAsync(socket);
            backoff.Connected();
            SetState(KiteConnectionState.Up, null);
            return await ReceiveAsync(socket, abort.Token);
        }, receiveEnded, monitor, DetachAsync);
        return SessionOutcome.Dropped;
    }

    private SessionOutcome HandshakeFailed(HttpStatusCode status, Exception exception, string accessToken)
    {
        switch (status)
        {
            case HttpStatusCode.Forbidden:
                // A dead token stays dead: wait for a login instead of hammering Kite with it.
                SetState(KiteConnectionState.WaitingForLogin, "Kite refused the access token (403) on the ticker handshake");
                if (_services.Session.AccessToken == accessToken)
                {
                    _services.Session.Invalidate("Kite refused the access token on the ticker handshake (403 Forbidden); log in again.");
                }
                LogTokenRejected(_logger, Label, RedactedUrl);
                return SessionOutcome.TokenRejected;
            case HttpStatusCode.TooManyRequests:
                SetState(KiteConnectionState.Reconnecting, "Kite refused the connection: too many connections for this API key (429)");
                LogTooManyConnections(_logger, Label, RedactedUrl);
                return SessionOutcome.Dropped;
            default:
                // The message names the status or the socket error, never the query string with the token.
                SetState(KiteConnectionState.Reconnecting, $"Dialling failed: {exception.Message}");
                LogDialFailed(_logger, Label, RedactedUrl, (int)status, exception.Message);
                return SessionOutcome.Dropped;
        }
    }

    // Not cancelled by the stop: cancelling a send aborts a ClientWebSocket, and the monitor's close must find the socket
    // open so that ticks the server sent before its close are still read. A send that hangs is bounded all the same.
    private async Task ReplayAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        var cancellationToken = timeout.Token;
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            // Kite keeps subscriptions per socket: a new socket starts with none, whatever the old one had.
            var desired = Volatile.Read(ref _desired);
            Volatile.Write(ref _receiving, desired);
            await SendChangesAsync(socket, Nothing, desired, cancellationToken);
            _socket = socket;
            Volatile.Write(ref _onServer, desired);
            _feed.Subscribed(desired.Values.Select(subscription => subscription.InstrumentId));
            LogSubscribed(_logger, Label, desired.Count);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendChangesAsync(
        ClientWebSocket socket, Dictionary<uint, DesiredSubscription> from, Dictionary<uint, DesiredSubscription> to, CancellationToken cancellationToken)
    {
        var removed = new List<uint>();
        foreach (var token in from.Keys)
        {
            if (!to.ContainsKey(token))
            {
                removed.Add(token);
            }
        }
        var added = new List<uint>();
        var modes = new List<uint>[3] { [], [], [] };
        foreach (var (token, subscription) in to)
        {
            var isNew = !from.TryGetValue(token, out var before);
            if (isNew)
            {
                added.Add(token);
            }
            // Subscribing gives quote mode; every mode is still sent, so the server's state never rests on a default.
            if (isNew || before.Mode != subscription.Mode)
            {
                modes[(int)subscription.Mode].Add(token);
            }
        }

        if (removed.Count > 0)
        {
            KiteClientMessages.WriteUnsubscribe(_message, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(removed));
            await SendMessageAsync(socket, cancellationToken);
        }
        if (added.Count > 0)
        {
            KiteClientMessages.WriteSubscribe(_message, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(added));
            await SendMessageAsync(socket, cancellationToken);
        }
        for (var mode = 0; mode < modes.Length; mode++)
        {
            if (modes[mode].Count > 0)
            {
                KiteClientMessages.WriteMode(_message, (KiteMode)mode, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(modes[mode]));
                await SendMessageAsync(socket, cancellationToken);
            }
        }
    }

    private async Task SendMessageAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(_message.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _message.ResetWrittenCount();
        }
    }

    /// <summary>Reads whole messages until the socket closes; returns why it ended.</summary>
    private async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var message = await _feed.ReceiveAsync(socket, cancellationToken);
                if (message.Ended is { } ended)
                {
                    return ended;
                }
                if (message.Type == WebSocketMessageType.Binary)
                {
                    // A heartbeat proves the socket alive, not that the market data is back: only data ends a gap.
                    if (!new KiteFrameReader(_feed.Buffer.AsSpan(0, message.Length)).IsHeartbeat && _feed.DataReceived(message.ReceivedAt))
                    {
                        _firstData?.Invoke(message.ReceivedAt);
                    }
                    _feed.BeginBusy();
                    try
                    {
                        await HandleBinaryAsync(_feed.Buffer, message.Length, message.ReceivedAt, cancellationToken);
                    }
                    finally
                    {
                        _feed.EndBusy();
                    }
                }
                else
                {
                    HandleText(_feed.Buffer.AsSpan(0, message.Length));
                }
            }
        }
        finally
        {
            _feed.ReleaseBuffer();
        }
    }

    private async Task HandleBinaryAsync(byte[] buffer, int length, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var count = Decode(buffer.AsSpan(0, length), receivedAt, out var skipped);
        if (skipped > 0 && _feed.CountBadFrames(skipped))
        {
            LogBadPackets(_logger, Label, skipped, length);
        }
        if (count == 0)
        {
            return;
        }
        _services.Metrics.TicksReceived.Add(count, _brokerTag, _connectionTag);
        _services.LiveTicks.Publish(_ticks.AsSpan(0, count));
        for (var i = 0; i < count; i++)
        {
            // The wait here is the back-pressure: the socket is not read until storage has room again.
            if (!_services.Sink.TryWrite(in _ticks[i]))
            {
                await _services.Sink.WriteAsync(_ticks[i], cancellationToken);
            }
        }
    }

    private int Decode(ReadOnlySpan<byte> frame, DateTimeOffset receivedAt, out int skipped)
    {
        var reader = new KiteFrameReader(frame);
        skipped = 0;
        if (reader.IsHeartbeat)
        {
            return 0;
        }
        var capacity = Math.Min(reader.DeclaredPacketCount, frame.Length / MinPacketBytes);
        if (_ticks.Length < capacity)
        {
            _ticks = new Tick[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity)];
        }
        var map = Volatile.Read(ref _receiving);
        var count = 0;
        while (reader.TryReadNext(out var tick))
        {
            // A token Kite sent unasked: nothing to store it under.
            if (count == _ticks.Length || !map.TryGetValue(tick.InstrumentToken, out var subscription))
            {
                continue;
            }
            _ticks[count++] = KiteTickMapping.ToTick(in tick, subscription.InstrumentId, receivedAt);
        }
        skipped = reader.SkippedPackets;
        return count;
    }

    private void HandleText(ReadOnlySpan<byte> utf8)
    {
        if (!KiteTextMessage.TryParse(utf8, out var message, out var error))
        {
            if (_feed.CountBadFrames(1))
            {
                LogBadText(_logger, Label, error);
            }
            return;
        }
        switch (message.Kind)
        {
            case KiteTextMessageType.Error:
                LogKiteError(_logger, Label, message.DataText ?? message.Data);
                break;
            case KiteTextMessageType.Order:
                LogOrderUpdate(_logger, Label, message.Data);
                break;
            default:
                LogKiteMessage(_logger, Label, message.Type, message.DataText ?? message.Data);
                break;
        }
    }

    /// <summary>Closes the socket when it goes silent, loses its last instrument, or the host stops.</summary>
    private async Task MonitorAsync(ClientWebSocket socket, CancellationTokenSource abort, CancellationToken receiveEnded, CancellationToken stopping)
    {
        var period = FeedSocket.WatchPeriod(_options.WatchdogTimeout);
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(receiveEnded, stopping);
        string reason;
        try
        {
            while (true)
            {
                await Task.Delay(period, _time, watch.Token);
                if (_feed.IsSilent(_time.GetUtcNow(), _options.WatchdogTimeout, out var silence))
                {
                    reason = $"no data for {silence.TotalSeconds:0.0} s";
                    LogWatchdog(_logger, Label, silence.TotalSeconds);
                    SetState(KiteConnectionState.Reconnecting, $"Watchdog: {reason}");
                    break;
                }
                if (Volatile.Read(ref _desired).Count == 0)
                {
                    reason = "no instruments left";
                    break;
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
        await _feed.CloseAsync(socket, abort, reason, receiveEnded);
    }

    /// <summary>Forgets the socket; if it carried subscriptions and no gap is open yet, one opens at the last frame received.</summary>
    private async Task DetachAsync(string reason)
    {
        await _sendLock.WaitAsync();
        Dictionary<uint, DesiredSubscription> onServer;
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
        SetState(KiteConnectionState.Reconnecting, $"Disconnected: {reason}");
        if (onServer.Count == 0 || _feed.GapOpen)
        {
            return;
        }
        var instrumentIds = new int[onServer.Count];
        var next = 0;
        foreach (var subscription in onServer.Values)
        {
            instrumentIds[next++] = subscription.InstrumentId;
        }
        Array.Sort(instrumentIds);
        _feed.OpenGap(instrumentIds);
    }

    public void Dispose()
    {
        _feed.Dispose();
        _sendLock.Dispose();
        _changed.Dispose();
    }

    private void SetState(KiteConnectionState state, string? problem)
    {
        Volatile.Write(ref _problem, problem);
        var previous = (KiteConnectionState)Interlocked.Exchange(ref _state, (int)state);
        if (previous != state)
        {
            LogStateChanged(_logger, Label, previous, state, problem ?? "");
        }
    }

    private Measurement<int>? ObserveState() =>
        Volatile.Read(ref _desired).Count == 0
            ? null
            : new Measurement<int>(State == KiteConnectionState.Up ? 1 : 0, _brokerTag, _connectionTag);

    private Uri TickerUri(string accessToken) => new UriBuilder(_options.TickerUrl)
    {
        Query = $"api_key={Uri.EscapeDataString(_options.ApiKey ?? "")}&access_token={Uri.EscapeDataString(accessToken)}",
    }.Uri;

    private string RedactedUrl => _options.TickerUrl.GetLeftPart(UriPartial.Path);

    private enum SessionOutcome
    {
        Dropped,
        TokenRejected,
    }
}
