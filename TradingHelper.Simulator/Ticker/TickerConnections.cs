using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;
using TradingHelper.Simulator.Sockets;

namespace TradingHelper.Simulator.Ticker;

/// <summary>The open ticker sockets, so faults and statistics can reach every one of them.</summary>
internal sealed class TickerConnections(
    MarketSimulator market, FaultInjector faults, TickStatistics statistics, IOptions<SimulatorOptions> options, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<TickerConnection> logger)
    : SimulatedSockets<TickerConnection>(lifetime, logger)
{
    public async Task ServeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        using var connection = new TickerConnection(NextId(), socket, market, faults, statistics, options.Value, time, Logger);
        try
        {
            await ServeAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connection.ReleaseSubscriptions();
        }
    }

    protected override void LogClosed(TickerConnection connection) =>
        Logger.LogInformation("Ticker connection {ConnectionId} closed after {Packets} packets", connection.Id, connection.PacketsSent);
}
