using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TradingHelper.Tests.Api;

/// <summary>
/// Holds the server's sends to one WebSocket client while paused, as a full TCP window would for a client that
/// stops reading. The in-memory test server never pushes back, so a slow client has to be made this way.
/// </summary>
public sealed class SendGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _open = Opened();
    private readonly TaskCompletionSource _blocked = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a send has been held by the paused gate.</summary>
    public Task Blocked => _blocked.Task;

    public void Pause()
    {
        lock (_lock)
        {
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume()
    {
        lock (_lock)
        {
            _open.TrySetResult();
        }
    }

    internal Task PassAsync(CancellationToken cancellationToken)
    {
        Task open;
        lock (_lock)
        {
            open = _open.Task;
        }
        if (!open.IsCompleted)
        {
            _blocked.TrySetResult();
        }
        return open.WaitAsync(cancellationToken);
    }

    /// <summary>A startup filter that puts the server side of <c>?gate=name</c> WebSockets behind the named gate.</summary>
    public static IStartupFilter Filter(IReadOnlyDictionary<string, SendGate> gates) => new GateFilter(gates);

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private sealed class GateFilter(IReadOnlyDictionary<string, SendGate> gates) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Query["gate"] is [{ } name] && gates.TryGetValue(name, out var gate)
                    && context.Features.Get<IHttpWebSocketFeature>() is { } inner)
                {
                    context.Features.Set<IHttpWebSocketFeature>(new GatedFeature(inner, gate));
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class GatedFeature(IHttpWebSocketFeature inner, SendGate gate) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => inner.IsWebSocketRequest;

        public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext context) => new GatedWebSocket(await inner.AcceptAsync(context), gate);
    }

    private sealed class GatedWebSocket(WebSocket inner, SendGate gate) : WebSocket
    {
        public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

        public override string? CloseStatusDescription => inner.CloseStatusDescription;

        public override WebSocketState State => inner.State;

        public override string? SubProtocol => inner.SubProtocol;

        public override void Abort() => inner.Abort();

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Dispose() => inner.Dispose();

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            inner.ReceiveAsync(buffer, cancellationToken);

        public override ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            inner.ReceiveAsync(buffer, cancellationToken);

        public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            await gate.PassAsync(cancellationToken);
            await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
        }

        public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        {
            await gate.PassAsync(cancellationToken);
            await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
        }
    }
}
