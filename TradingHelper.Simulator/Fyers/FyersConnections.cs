using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;
using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Fyers;

/// <summary>The open Fyers data sockets, so faults and statistics can reach every one of them.</summary>
internal sealed class FyersConnections(
    FyersSymbology symbology, MarketSimulator market, FyersAccessTokens tokens, FaultInjector faults, FyersStatistics statistics,
    IOptions<SimulatorOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<FyersConnection> logger)
    : SimulatedSockets<FyersConnection>(lifetime, logger)
{
    public async Task ServeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        using var connection = new FyersConnection(NextId(), socket, symbology, market, tokens, faults, statistics, options.Value, time, Logger);
        await ServeAsync(connection, cancellationToken).ConfigureAwait(false);
    }

    protected override void LogClosed(FyersConnection connection) =>
        Logger.LogInformation("Fyers connection {ConnectionId} closed after {Records} records", connection.Id, connection.RecordsSent);
}
