using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Rest;

namespace TradingHelper.Simulator.Ticker;

/// <summary>Kite's ticker WebSocket at <c>/</c> (and <c>/ws</c>), authenticated by the <c>api_key</c> and <c>access_token</c> query parameters.</summary>
internal static class TickerEndpoint
{
    public static WebApplication MapKiteTicker(this WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/", AcceptAsync).WithName("Ticker").WithSummary("Kite binary ticker WebSocket");
        app.Map("/ws", AcceptAsync).WithName("TickerWs").WithSummary("Kite binary ticker WebSocket (alternate path)");
        return app;
    }

    private static async Task AcceptAsync(HttpContext context, AccessTokens tokens, FaultInjector faults, TickerConnections connections)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(
                detail: "The ticker speaks WebSocket only: send an upgrade request with api_key and access_token.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Expected a WebSocket upgrade").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        // Kite refuses a bad key or token on the upgrade itself; there is no login message after the socket opens.
        if (faults.TakeTokenError() || !tokens.IsValid(context.Request.Query["api_key"], context.Request.Query["access_token"]))
        {
            await KiteErrors.Token().ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        await connections.ServeAsync(socket, context.RequestAborted).ConfigureAwait(false);
    }
}
