namespace TradingHelper.Simulator.Control;

/// <summary>What an armed fault reaches: the connections it touched right away (0 for faults that wait for the next calls).</summary>
internal sealed record FaultResponse(string Kind, int Connections, int Count, double Seconds);
