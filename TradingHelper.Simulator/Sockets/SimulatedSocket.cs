using System.Net.WebSockets;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Sockets;

/// <summary>
/// One simulated broker socket: reads the client beside a pump that paces records at the configured rate and sends armed
/// faults, and closes or drops itself when a fault says so. The feed supplies the protocol: what it reads, what it streams.
/// </summary>
internal abstract class SimulatedSocket : IDisposable
{
    // Frames are paced in small steps so a rate spreads over the second instead of arriving in one burst.
    private static readonly TimeSpan PumpStep = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _closing = new();
    private int _pendingMalformed;
    private int _pendingTruncated;

    protected SimulatedSocket(string feed, int id, WebSocket socket, FaultInjector faults, SimulatorOptions options, TimeProvider time, ILogger logger)
    {
        Feed = feed;
        Id = id;
        Socket = socket;
        Faults = faults;
        Options = options;
        Time = time;
        Logger = logger;
        ConnectedAt = time.GetUtcNow();
        Session = new TradingSession(options.Session);
    }

    /// <summary>The feed's name in log lines: "Ticker" or "Fyers".</summary>
    public string Feed { get; }

    public int Id { get; }

    public DateTimeOffset ConnectedAt { get; }

    protected WebSocket Socket { get; }

    protected FaultInjector Faults { get; }

    protected SimulatorOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    /// <summary>The exchange's hours: records stream only while it trades.</summary>
    protected TradingSession Session { get; }

    /// <summary>One frame on the wire at a time: the reader's answers and the pump's frames share the socket.</summary>
    protected SemaphoreSlim SendLock { get; } = new(1, 1);

    /// <summary>Whether the pump may stream now; a stalled feed, or a client not yet admitted, gets nothing.</summary>
    protected virtual bool MayStream => !Faults.IsStalled;

    /// <summary>Whether anything is subscribed to stream; credit does not pile up while nothing is.</summary>
    protected abstract bool HasStreams { get; }

    /// <summary>Whether a close may go out after the client's own close arrived; false for a feed whose reader answers that itself.</summary>
    protected virtual bool ClosesAfterClient => true;

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
            Logger.LogInformation("{Feed} connection {ConnectionId} ended by the simulator or the host", Feed, Id);
        }
        catch (WebSocketException ex)
        {
            Logger.LogInformation(ex, "{Feed} connection {ConnectionId} broke while reading", Feed, Id);
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
            _closing.CancelAfter(CloseTimeout);
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own while the fault was being applied.
        }
    }

    /// <summary>Drops the connection without a close handshake.</summary>
    public virtual void Abort()
    {
        Socket.Abort();
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
        SendLock.Dispose();
        _closing.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads the client's messages until it leaves or the session must end.</summary>
    protected abstract Task ReceiveAsync(CancellationToken cancellationToken);

    /// <summary>Builds the next streaming frame of at most <paramref name="due"/> records; no records when nothing streams.</summary>
    protected abstract (int Length, int Records) BuildStreamingFrame(int due);

    /// <summary>Puts a built frame on the wire and counts its records; called holding <see cref="SendLock"/>.</summary>
    protected abstract Task SendFrameAsync(int length, int records, CancellationToken cancellationToken);

    /// <summary>The pump had nothing due at <paramref name="now"/>; a feed that keeps the line alive does it here.</summary>
    protected virtual Task IdleAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Sends one armed fault frame: undecodable (<paramref name="malformed"/>) or cut short.</summary>
    protected abstract Task SendFaultAsync(bool malformed, CancellationToken cancellationToken);

    /// <summary>Whether a frame can go out now: the socket is open and the feed not stalled.</summary>
    protected bool CanSend() => Socket.State == WebSocketState.Open && !Faults.IsStalled;

    /// <summary>Sends a close frame while the socket is open; a client that does not take it in time is dropped.</summary>
    protected async Task CloseOutputAsync(WebSocketCloseStatus status, string? description)
    {
        await SendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Socket.State == WebSocketState.Open || (ClosesAfterClient && Socket.State == WebSocketState.CloseReceived))
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await Socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            Logger.LogInformation(ex, "{Feed} connection {ConnectionId} could not be closed cleanly; dropping it", Feed, Id);
        }
        finally
        {
            SendLock.Release();
        }
    }

    private async Task PumpAsync(CancellationTokenSource session)
    {
        var cancellationToken = session.Token;
        var rate = Options.TicksPerSecond;
        var last = Time.GetUtcNow();
        var credit = 0.0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(PumpStep, Time, cancellationToken).ConfigureAwait(false);
                var now = Time.GetUtcNow();
                var elapsed = (now - last).TotalSeconds;
                last = now;
                if (!MayStream || Faults.IsQuiet)
                {
                    credit = 0;
                    if (MayStream)
                    {
                        await IdleAsync(now, cancellationToken).ConfigureAwait(false);
                    }
                    continue;
                }
                await SendFaultFramesAsync(cancellationToken).ConfigureAwait(false);
                // A closed exchange sends no ticks; the line stays alive with heartbeats, as Kite's does overnight.
                if (!Session.IsOpen(now))
                {
                    credit = 0;
                    await IdleAsync(now, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                credit = HasStreams ? Math.Min(credit + (rate * elapsed), rate) : 0;
                var due = (int)credit;
                if (due > 0)
                {
                    credit -= due;
                    await SendDueAsync(due, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await IdleAsync(now, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended; the reader logs why.
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            Logger.LogInformation(ex, "{Feed} connection {ConnectionId} broke while sending", Feed, Id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The pump runs beside the reader; a bug here must end the session loudly, not silently stop the ticks.
            Logger.LogError(ex, "{Feed} connection {ConnectionId} stopped streaming", Feed, Id);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends the <paramref name="due"/> records the rate allows now, in as few frames as they fit.</summary>
    private async Task SendDueAsync(int due, CancellationToken cancellationToken)
    {
        await SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (due > 0 && CanSend())
            {
                var (length, records) = BuildStreamingFrame(due);
                if (records == 0)
                {
                    return;
                }
                await SendFrameAsync(length, records, cancellationToken).ConfigureAwait(false);
                due -= records;
            }
        }
        finally
        {
            SendLock.Release();
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
}
