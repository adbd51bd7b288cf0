namespace TradingHelper.Simulator.Control;

/// <summary>Body of <c>POST /_sim/faults</c>: which fault, and how long or how many times.</summary>
/// <param name="Kind">close, stall, malformed, truncated, token-error or history-429.</param>
/// <param name="Seconds">How long a stall lasts (0.05–3600, default 5).</param>
/// <param name="Count">Frames per connection for malformed/truncated, calls for token-error/history-429 (1–10000, default 1).</param>
/// <param name="Abort">For close: drop the TCP connection without a close frame, as a broken network does (the client sees 1006).</param>
internal sealed record FaultRequest(string? Kind, double? Seconds, int? Count, bool? Abort = null);
