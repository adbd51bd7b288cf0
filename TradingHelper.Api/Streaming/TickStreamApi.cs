using Microsoft.AspNetCore.Http.HttpResults;

namespace TradingHelper.Api.Streaming;

/// <summary>The live tick WebSocket, <c>/api/ws/ticks</c>; its messages are described in docs/websocket.md.</summary>
public static class TickStreamApi
{
    public static RouteGroupBuilder MapTickStreamApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/ws").WithTags("Live ticks");

        api.MapGet("/ticks", StreamTicks)
            .WithName(nameof(StreamTicks))
            .Produces(StatusCodes.Status101SwitchingProtocols)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Live ticks over a WebSocket")
            .WithDescription(
                "Upgrade to a WebSocket, then send {\"action\":\"subscribe\",\"tokens\":[instrument ids]}. The server answers with "
                + "{\"type\":\"subscribed\"}, the latest quote of each instrument, then live ticks as {\"type\":\"ticks\",\"ticks\":[...]}, "
                + "keeping only the latest tick per instrument for a client that reads slowly. Tokens are internal instrument ids.");

        return api;
    }

    internal static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamTicks(HttpContext context, [AsParameters] TickStreamServices services)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "WebSocket required",
                detail: "Connect to this endpoint with a WebSocket client (ws:// or wss://).");
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (!services.Fanout.TryJoin())
        {
            await socket.CloseOutputAsync(
                System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, "Too many clients on this server; retry later.", context.RequestAborted);
            return TypedResults.Empty;
        }

        using var session = new TickSession(
            socket,
            services.Fanout,
            services.Redis,
            services.Options.Value,
            services.LiveTicks.Value,
            services.Metrics,
            services.LoggerFactory.CreateLogger<TickSession>());
        await session.RunAsync(context.RequestAborted, services.Lifetime.ApplicationStopping);
        return TypedResults.Empty;
    }
}
