namespace TradingHelper.Core.Brokers;

/// <summary>Payload of <see cref="Commands.CommandKind.BrokerSession"/>: the single-use request token of a login redirect.</summary>
/// <param name="CorrelationId">Names the Redis key the outcome is written to (<see cref="BrokerSessionKeys.Result"/>).</param>
public sealed record BrokerSessionCommand(string RequestToken, string CorrelationId);
