using System.Text.Json;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Ingestor.Brokers;

/// <summary>Reads a login command for this Ingestor's broker; anything else is rejected, with the outcome written for the Api where it can be.</summary>
public static class BrokerSessionCommands
{
    /// <summary>The command in <paramref name="payloadJson"/>, if it is whole and for <paramref name="broker"/> (a command naming none is Kite's, as older Apis sent it).</summary>
    /// <exception cref="CommandRejectedException">The payload is not a whole login command, or it is another broker's.</exception>
    public static async Task<BrokerSessionCommand> ReadAsync(string payloadJson, string broker, BrokerSessionStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        BrokerSessionCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(payloadJson, IngestorJsonContext.Default.BrokerSessionCommand);
        }
        catch (JsonException)
        {
            // The exception's message could quote the payload, which holds a single-use code.
            throw new CommandRejectedException("The broker session payload is not valid JSON.");
        }
        if (command is null || string.IsNullOrWhiteSpace(command.RequestToken) || string.IsNullOrWhiteSpace(command.CorrelationId))
        {
            throw new CommandRejectedException("The broker session payload needs requestToken and correlationId.");
        }
        var target = command.Broker ?? "kite";
        if (target != broker)
        {
            await store.WriteResultAsync(command.CorrelationId, new BrokerSessionResult(false, null,
                $"This Ingestor's broker is {broker}; a {target} login cannot complete here.", false));
            throw new CommandRejectedException($"A {target} login reached the {broker} Ingestor.");
        }
        return command;
    }
}
