using TradingHelper.Ingestor.Subscriptions;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// The Kite feed: shards the desired subscription set over up to <see cref="KiteOptions.MaxConnections"/> ticker
/// connections of at most <see cref="KiteOptions.MaxInstrumentsPerConnection"/> instruments and keeps each one up.
/// </summary>
public sealed partial class KiteTicker : BackgroundService, ISubscribedFeed
{
    private readonly KiteFeedServices _services;
    private readonly ILogger<KiteTicker> _logger;
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private readonly KiteTickerConnection[] _connections;
    private IReadOnlyList<DesiredSubscription> _overflow = [];

    public KiteTicker(KiteFeedServices services, ILogger<KiteTicker> logger)
    {
        _services = services;
        _logger = logger;
        var connections = new KiteTickerConnection[services.Options.MaxConnections];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i] = new KiteTickerConnection(i, services, CloseStaleGapsOfIdleConnections);
        }
        _connections = connections;
    }

    /// <summary>Every connection slot, needed or not.</summary>
    public IReadOnlyList<KiteTickerConnection> Connections => _connections;

    /// <summary>Instruments over Kite's per-key limit, left unsubscribed.</summary>
    public IReadOnlyList<DesiredSubscription> Overflow => Volatile.Read(ref _overflow);

    /// <summary>Most instruments one API key can stream.</summary>
    public int Capacity => _services.Options.MaxConnections * _services.Options.MaxInstrumentsPerConnection;

    /// <summary>True once a subscription set has been applied since start.</summary>
    public bool HasSubscriptionSet { get; private set; }

    public string Broker => _services.BrokerName;

    public TimeSpan SubscriptionRefreshInterval => _services.Options.SubscriptionRefreshInterval;

    /// <summary>Loads the Kite set (instruments with a live Kite token) and applies it.</summary>
    public async Task SyncAsync(SubscriptionStore store, CancellationToken cancellationToken) =>
        await ApplyAsync(await store.LoadAsync(cancellationToken), cancellationToken);

    /// <summary>Makes the feed stream exactly <paramref name="desired"/> (as far as the limits allow).</summary>
    public async Task ApplyAsync(IReadOnlyList<DesiredSubscription> desired, CancellationToken cancellationToken)
    {
        await _applyGate.WaitAsync(cancellationToken);
        try
        {
            var current = new IEnumerable<uint>[Connections.Count];
            for (var i = 0; i < current.Length; i++)
            {
                current[i] = Connections[i].Assigned.Keys;
            }
            var plan = KiteShardPlan.Create(desired, current, _services.Options.MaxInstrumentsPerConnection, Connections.Count);
            if (plan.Overflow.Count > 0 && plan.Overflow.Count != Overflow.Count)
            {
                LogOverLimit(_logger, desired.Count, Capacity, plan.Overflow.Count);
            }
            Volatile.Write(ref _overflow, plan.Overflow);
            // Shrinking shards first frees tokens before another connection subscribes them.
            var order = Enumerable.Range(0, Connections.Count).OrderBy(i => plan.Shards[i].Count - Connections[i].Assigned.Count);
            foreach (var i in order)
            {
                if (!SameSet(plan.Shards[i], Connections[i].Assigned))
                {
                    await Connections[i].ApplyAsync(plan.Shards[i], cancellationToken);
                }
            }
            if (!HasSubscriptionSet)
            {
                LogFirstSet(_logger, desired.Count - plan.Overflow.Count, Connections.Count(c => c.Assigned.Count > 0));
            }
            HasSubscriptionSet = true;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Connections.Select(connection => connection.RunAsync(stoppingToken)));

    public override void Dispose()
    {
        _applyGate.Dispose();
        foreach (var connection in Connections)
        {
            connection.Dispose();
        }
        base.Dispose();
    }

    // A slot this run does not use (fewer instruments, fewer connections configured) would otherwise keep a gap of
    // the previous run open for ever, never backfilled.
    private void CloseStaleGapsOfIdleConnections(DateTimeOffset at)
    {
        var needed = _connections.Where(connection => connection.Assigned.Count > 0).Select(connection => connection.Label).ToArray();
        _services.Gaps.CloseAllBut(_services.BrokerName, needed, at);
    }

    private static bool SameSet(Dictionary<uint, DesiredSubscription> next, IReadOnlyDictionary<uint, DesiredSubscription> current)
    {
        if (next.Count != current.Count)
        {
            return false;
        }
        foreach (var (token, subscription) in next)
        {
            if (!current.TryGetValue(token, out var before) || before != subscription)
            {
                return false;
            }
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Desired} instruments are subscribed but one Kite API key streams at most {Capacity}: {Overflow} instruments are NOT streamed")]
    private static partial void LogOverLimit(ILogger logger, int desired, int capacity, int overflow);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite feed streams {Instruments} instruments over {Connections} connections")]
    private static partial void LogFirstSet(ILogger logger, int instruments, int connections);
}
