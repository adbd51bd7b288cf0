using System.Collections.Concurrent;
using TradingHelper.Simulator.Control;

namespace TradingHelper.Simulator.Sockets;

/// <summary>The open sockets of one simulated feed, so faults and statistics can reach every one of them.</summary>
internal abstract class SimulatedSockets<TSocket>(IHostApplicationLifetime lifetime, ILogger logger)
    where TSocket : SimulatedSocket
{
    private readonly ConcurrentDictionary<int, TSocket> _open = new();
    private int _lastId;

    public ICollection<TSocket> Open => _open.Values;

    /// <summary>The feed's log, shared with the sockets it serves.</summary>
    protected ILogger Logger { get; } = logger;

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

    /// <summary>The id the next socket gets; ids are never reused within a run, so log lines stay unambiguous.</summary>
    protected int NextId() => Interlocked.Increment(ref _lastId);

    /// <summary>Serves <paramref name="connection"/> while it is listed as open.</summary>
    protected async Task ServeAsync(TSocket connection, CancellationToken cancellationToken)
    {
        _open[connection.Id] = connection;
        Logger.LogInformation("{Feed} connection {ConnectionId} opened", connection.Feed, connection.Id);
        // Sockets are long-lived requests; without this a host stop would wait out its whole shutdown timeout.
        using var serving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            await connection.RunAsync(serving.Token).ConfigureAwait(false);
        }
        finally
        {
            _open.TryRemove(connection.Id, out _);
            LogClosed(connection);
        }
    }

    /// <summary>Logs the end of a socket with what it sent, in the feed's own terms.</summary>
    protected abstract void LogClosed(TSocket connection);
}
