namespace TradingHelper.Core.Brokers;

/// <summary>Payload of <see cref="Commands.CommandKind.BrokerSession"/>: the single-use request token (Kite) or auth code (Fyers) of a login redirect.</summary>
/// <param name="CorrelationId">Names the Redis key the outcome is written to (<see cref="BrokerSessionKeys.Result"/>).</param>
/// <param name="Broker">The broker whose login it completes (<c>kite</c> when absent, as older Apis sent it), so no broker is handed another's code.</param>
public sealed record BrokerSessionCommand(string RequestToken, string CorrelationId, string? Broker = null);
