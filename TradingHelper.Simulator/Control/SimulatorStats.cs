namespace TradingHelper.Simulator.Control;

/// <summary>Everything the simulator has put on ticker sockets: totals, per open connection, and per instrument token since start.</summary>
internal sealed record SimulatorStats(
    long TotalPackets,
    long TotalFrames,
    long TotalHeartbeats,
    IReadOnlyList<ConnectionStats> Connections,
    IReadOnlyDictionary<string, long> PacketsByToken);

/// <summary>One open ticker connection's counters.</summary>
internal sealed record ConnectionStats(
    int Id,
    DateTimeOffset ConnectedAt,
    int Subscriptions,
    long PacketsSent,
    long FramesSent,
    long HeartbeatsSent,
    IReadOnlyDictionary<string, long> PacketsByToken);
