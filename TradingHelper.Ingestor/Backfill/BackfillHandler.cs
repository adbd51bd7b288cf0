using System.Text.Json;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Ingestor.Backfill;

/// <summary>
/// Accepts <see cref="CommandKind.Backfill"/> (payload <c>{ "jobId": guid }</c>; the Api wrote the job and its items
/// first) and hands the job to the <see cref="BackfillWorker"/>; progress and errors are recorded on the job rows.
/// </summary>
public sealed class BackfillHandler(BackfillJobStore store, BackfillWorker worker) : ICommandHandler
{
    public string Kind => CommandKind.Backfill;

    public async Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
    {
        BackfillCommand? command;
        try
        {
            command = JsonSerializer.Deserialize(payloadJson, IngestorJsonContext.Default.BackfillCommand);
        }
        catch (JsonException exception)
        {
            throw new CommandRejectedException($"The backfill payload is not valid JSON: {exception.Message}", exception);
        }
        if (command?.JobId is not { } jobId || jobId == Guid.Empty)
        {
            throw new CommandRejectedException("The backfill payload has no jobId.");
        }
        if (await store.GetJobAsync(jobId, cancellationToken) is null)
        {
            throw new CommandRejectedException($"Backfill job {jobId} does not exist.");
        }
        worker.Enqueue(jobId);
    }

    internal sealed record BackfillCommand(Guid? JobId);
}
