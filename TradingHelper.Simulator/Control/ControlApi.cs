using Microsoft.AspNetCore.Http.HttpResults;
using TradingHelper.Simulator.Fyers;
using TradingHelper.Simulator.Ticker;

namespace TradingHelper.Simulator.Control;

/// <summary>The simulator's own endpoints under <c>/_sim</c>: arm faults and read what was sent.</summary>
internal static class ControlApi
{
    private static readonly Dictionary<string, FaultKind> Kinds = new(StringComparer.Ordinal)
    {
        ["close"] = FaultKind.Close,
        ["stall"] = FaultKind.Stall,
        ["quiet"] = FaultKind.Quiet,
        ["malformed"] = FaultKind.Malformed,
        ["truncated"] = FaultKind.Truncated,
        ["token-error"] = FaultKind.TokenError,
        ["history-429"] = FaultKind.History429,
        ["token-expired"] = FaultKind.TokenExpired,
        ["late-unsubscribe"] = FaultKind.LateUnsubscribe,
    };

    public static WebApplication MapSimulatorControl(this WebApplication app)
    {
        var api = app.MapGroup("/_sim").WithTags("Simulator");
        api.MapPost("/faults", InjectAsync).WithName("InjectFault").WithSummary("Arm a fault: close, stall, quiet, malformed, truncated, token-error, history-429, token-expired or late-unsubscribe");
        api.MapDelete("/faults", Clear).WithName("ClearFaults").WithSummary("Disarm every pending fault");
        api.MapGet("/stats", GetStats).WithName("Stats").WithSummary("Packets sent, per connection and per instrument token");
        return app;
    }

    private static async Task<Results<Ok<FaultResponse>, ValidationProblem>> InjectAsync(
        FaultRequest? request, FaultInjector faults, TickerConnections connections, FyersConnections fyers, FyersAccessTokens fyersTokens)
    {
        if (request?.Kind is null || !Kinds.TryGetValue(request.Kind, out var kind))
        {
            return Invalid("kind", $"Expected one of: {string.Join(", ", Kinds.Keys)}.");
        }
        var seconds = request.Seconds ?? 5;
        if (seconds is < 0.05 or > 3600)
        {
            return Invalid("seconds", "Must be between 0.05 and 3600.");
        }
        var count = request.Count ?? 1;
        if (count is < 1 or > 10_000)
        {
            return Invalid("count", "Must be between 1 and 10000.");
        }

        var reached = kind switch
        {
            // Faults reach the Kite ticker and the Fyers data sockets alike.
            FaultKind.Close => await connections.CloseAllAsync(request.Abort ?? false).ConfigureAwait(false)
                + await fyers.CloseAllAsync(request.Abort ?? false).ConfigureAwait(false),
            FaultKind.Malformed or FaultKind.Truncated => connections.Inject(kind, count) + fyers.Inject(kind, count),
            _ => 0,
        };
        switch (kind)
        {
            case FaultKind.Stall:
                faults.Stall(TimeSpan.FromSeconds(seconds));
                reached = connections.Open.Count + fyers.Open.Count;
                break;
            case FaultKind.Quiet:
                faults.Quiet(TimeSpan.FromSeconds(seconds));
                reached = connections.Open.Count + fyers.Open.Count;
                break;
            case FaultKind.TokenError:
                faults.FailNextTokens(count);
                break;
            case FaultKind.History429:
                faults.FailNextHistory(count);
                break;
            case FaultKind.LateUnsubscribe:
                faults.DelayNextUnsubscribes(count, TimeSpan.FromSeconds(seconds));
                break;
            case FaultKind.TokenExpired:
                // Expired first, so the redialling clients are refused; the open sockets close as Fyers drops a lapsed session.
                fyersTokens.ExpireAll();
                reached = await fyers.CloseAllAsync(abort: false).ConfigureAwait(false);
                break;
        }
        return TypedResults.Ok(new FaultResponse(request.Kind, reached, count, kind == FaultKind.Stall ? seconds : 0));
    }

    private static NoContent Clear(FaultInjector faults)
    {
        faults.Clear();
        return TypedResults.NoContent();
    }

    private static Ok<SimulatorStats> GetStats(TickStatistics statistics, TickerConnections connections, FyersStatistics fyersStatistics, FyersConnections fyers, FyersHistoryMeter fyersHistory)
    {
        var open = connections.Open
            .OrderBy(connection => connection.Id)
            .Select(connection => new ConnectionStats(connection.Id, connection.ConnectedAt, connection.SubscriptionCount,
                connection.PacketsSent, connection.FramesSent, connection.HeartbeatsSent, connection.PacketsByToken()))
            .ToList();
        var fyersOpen = fyers.Open
            .OrderBy(connection => connection.Id)
            .Select(connection => new FyersConnectionStats(connection.Id, connection.ConnectedAt, connection.IsAuthenticated, connection.SubscriptionCount,
                connection.RecordsSent, connection.HeartbeatsReceived, connection.LastAcknowledged, connection.RecordsByTopic()))
            .ToList();
        var fyersStats = new FyersStats(fyersStatistics.Records, fyersStatistics.Frames, fyersStatistics.FaultFrames, fyersOpen, fyersStatistics.RecordsByTopic(), fyersHistory.Snapshot());
        return TypedResults.Ok(new SimulatorStats(statistics.Packets, statistics.Frames, statistics.Heartbeats, open, statistics.PacketsByToken(), fyersStats,
            statistics.SubscriptionOverlaps));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid fault request: {field}");
}
