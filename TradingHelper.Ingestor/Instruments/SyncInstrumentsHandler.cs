using System.Text.Json;
using TradingHelper.Core.Commands;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>Runs an instrument sync when the Api asks for one (<see cref="CommandKind.SyncInstruments"/>, payload <c>{ "jobId": guid? }</c>).</summary>
public sealed class SyncInstrumentsHandler(InstrumentSync sync) : ICommandHandler
{
    public string Kind => CommandKind.SyncInstruments;

    public async Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
    {
        SyncInstrumentsCommand? command;
        try
        {
            command = JsonSerializer.Deserialize<SyncInstrumentsCommand>(payloadJson, CommandJson.Options);
        }
        catch (JsonException exception)
        {
            throw new CommandRejectedException($"The instrument sync payload is not valid JSON: {exception.Message}", exception);
        }
        await sync.RunAsync(command?.JobId is { } jobId ? $"requested, job {jobId}" : "requested", cancellationToken);
    }

    private sealed record SyncInstrumentsCommand(Guid? JobId);
}
