using TradingHelper.Simulator.Fyers;

namespace TradingHelper.Simulator.Control;

/// <summary>Everything the simulator has put on ticker sockets: totals, per open connection, and per instrument token since start.</summary>
internal sealed record SimulatorStats(
    long TotalPackets,
    long TotalFrames,
    long TotalHeartbeats,
    IReadOnlyList<ConnectionStats> Connections,
    IReadOnlyDictionary<string, long> PacketsByToken,
    FyersStats Fyers,
    long SubscriptionOverlaps);

/// <summary>What the simulator has put on Fyers data sockets (records per topic since start) and the history requests it metered.</summary>
internal sealed record FyersStats(
    long TotalRecords,
    long TotalFrames,
    long FaultFrames,
    IReadOnlyList<FyersConnectionStats> Connections,
    IReadOnlyDictionary<string, long> RecordsByTopic,
    FyersHistoryStats History);

/// <summary>One open Fyers data socket's counters; <c>LastAcknowledged</c> is the message number of the client's last ack.</summary>
internal sealed record FyersConnectionStats(
    int Id,
    DateTimeOffset ConnectedAt,
    bool Authenticated,
    int Subscriptions,
    long RecordsSent,
    long HeartbeatsReceived,
    long LastAcknowledged,
    IReadOnlyDictionary<string, long> RecordsByTopic);

/// <summary>One open ticker connection's counters.</summary>
internal sealed record ConnectionStats(
    int Id,
    DateTimeOffset ConnectedAt,
    int Subscriptions,
    long PacketsSent,
    long FramesSent,
    long HeartbeatsSent,
    IReadOnlyDictionary<string, long> PacketsByToken);
