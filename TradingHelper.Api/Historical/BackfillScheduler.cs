using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Historical;

/// <summary>
/// Schedules a backfill job for the Ingestor: records the job and its items, then sends the command that asks for it. Used
/// by <c>POST /api/historical/backfill</c> and by a subscribe that backfills what it makes active.
/// </summary>
public sealed class BackfillScheduler(BackfillJobs jobs, CommandPublisher commands, TimeProvider time, ILogger<BackfillScheduler> logger)
{
    /// <summary>Minute history is fetched whatever the interval; every interval is built from it.</summary>
    public const string MinuteInterval = "1m";

    /// <summary>Records a queued job of the instruments over [from, to) and sends the backfill command; returns the job.</summary>
    public async Task<BackfillAccepted> ScheduleAsync(int[] tokens, DateTimeOffset from, DateTimeOffset to, string interval, CancellationToken cancellationToken)
    {
        var jobId = Guid.CreateVersion7(time.GetUtcNow());
        await jobs.CreateAsync(jobId, from, to, interval, tokens, cancellationToken);
        // Should this publish fail, the job is still queued and the Ingestor's periodic scan of unfinished jobs runs it.
        var commandId = await commands.PublishAsync(CommandKind.Backfill, new BackfillCommand(jobId), cancellationToken);
        logger.LogBackfillQueued(jobId, tokens.Length, from, to, commandId);
        return new BackfillAccepted(jobId, commandId, "queued", from, to, interval, tokens.Length);
    }

    /// <summary>Where the job's progress is read.</summary>
    public static string LinkOf(Guid jobId) => $"/api/historical/jobs/{jobId}";
}
