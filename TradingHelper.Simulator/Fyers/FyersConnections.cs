using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Fyers;

/// <summary>The open Fyers data sockets, so faults and statistics can reach every one of them.</summary>
internal sealed class FyersConnections(
    FyersSymbology symbology, MarketSimulator market, FyersAccessTokens tokens, FaultInjector faults, FyersStatistics statistics,
    IOptions<SimulatorOptions> options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<FyersConnection> logger)
{
    private readonly ConcurrentDictionary<int, FyersConnection> _open = new();
    private int _lastId;

    public ICollection<FyersConnection> Open => _open.Values;

    public async Task ServeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        using var connection = new FyersConnection(Interlocked.Increment(ref _lastId), socket, symbology, market, tokens, faults, statistics,
            options.Value, time, logger);
        _open[connection.Id] = connection;
        logger.LogInformation("Fyers connection {ConnectionId} opened", connection.Id);
        // Sockets are long-lived requests; without this a host stop would wait out its whole shutdown timeout.
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await connection.RunAsync(serving.Token).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection.Id, out _);
            logger.LogInformation("Fyers connection {ConnectionId} closed after {Records} records", connection.Id, connection.RecordsSent);
        }
    }

    public async Task<int> CloseAllAsync(bool abort)
    {
        var connections = _open.Values.ToArray();
        if (abort)
        {
            foreach (var connection in connections)
            {
                connection.Abort();
            }
            return connections.Length;
        }
        await Task.WhenAll(connections.Select(connection => connection.CloseAsync())).ConfigureAwait(false);
        return connections.Length;
    }

    public int Inject(FaultKind kind, int frames)
    {
        var connections = _open.Values.ToArray();
        foreach (var connection in connections)
        {
            connection.Inject(kind, frames);
        }
        return connections.Length;
    }
}
