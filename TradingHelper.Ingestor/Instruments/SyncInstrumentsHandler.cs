using System.Text.Json;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>
/// Runs an instrument sync when the Api asks for one (<see cref="CommandKind.SyncInstruments"/>, payload <c>{ "jobId": guid?, "exchanges": [..]? }</c>),
/// and records its progress under that job id so the Api's <c>GET /api/instruments/sync/{id}</c> can show it.
/// </summary>
public sealed class SyncInstrumentsHandler(IInstrumentMasterSync sync, InstrumentSyncJobs jobs) : ICommandHandler
{
    public string Kind => CommandKind.SyncInstruments;

    public async Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
    {
        SyncInstrumentsCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(payloadJson, IngestorJsonContext.Default.SyncInstrumentsCommand);
        }
        catch (JsonException exception)
        {
            throw new CommandRejectedException($"The instrument sync payload is not valid JSON: {exception.Message}", exception);
        }
        if (command?.JobId is not { } jobId)
        {
            await sync.RunAsync("requested", command?.Exchanges, cancellationToken);
            return;
        }

        await jobs.StartAsync(jobId, cancellationToken);
        InstrumentSyncResult result;
        try
        {
            result = await sync.RunAsync($"requested, job {jobId}", command.Exchanges, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The watcher sees why; the consumer still retries the command (or dead-letters it) as for any failure.
            await jobs.FailAsync(jobId, exception.Message, CancellationToken.None);
            throw;
        }
        await jobs.SucceedAsync(jobId, result, cancellationToken);
    }

    internal sealed record SyncInstrumentsCommand(Guid? JobId, string[]? Exchanges);
}
