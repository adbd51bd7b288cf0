using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Ingestor.Leases;

namespace TradingHelper.Ingestor.Feed;

/// <summary>
/// Writes <c>feed_gaps</c> rows: opened when a connection with subscriptions drops, closed when the first frame arrives
/// after resubscribing. Records wait in memory, in order, until the database takes them; none is given up.
/// </summary>
/// <remarks>
/// A connection is named after its Ingestor (<c>ingestor/kite-0</c>), so Ingestors sharing a database keep their gaps apart.
/// The queue is not bounded: each entry stands for a disconnect or a reconnect, and reconnects are paced by the
/// backoff, so even an hour of flapping against a dead database holds a few thousand small records.
/// </remarks>
public sealed partial class FeedGapRecorder(
    NpgsqlDataSource dataSource, IOptions<IngestorOptions> ingestor, TimeProvider timeProvider, ILogger<FeedGapRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    // A second drop before the first gap was closed widens the open row instead of failing on the unique index.
    private const string OpenSql = """
        INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at)
        VALUES ($1, $2, $3, $4)
        ON CONFLICT (broker, connection) WHERE ended_at IS NULL DO UPDATE
        SET instrument_ids = ARRAY(SELECT DISTINCT unnest(feed_gaps.instrument_ids || excluded.instrument_ids) ORDER BY 1),
            started_at = least(feed_gaps.started_at, excluded.started_at)
        """;

    // After a crash (kill -9, power loss) no gap row marks the outage: the newest tick stored for the connection's
    // instruments is where their stream stopped. Per instrument via the (instrument_id, time) index, so a day of ticks is
    // not scanned; a row the earlier run left open already marks the outage (DO NOTHING); no recent tick (a fresh install,
    // a long pause) or one from moments ago opens nothing. Ticks this run received are not the earlier run's: on a busy
    // machine the writer can commit them before this record is written, and they would hide the outage.
    private const string OpenSinceLastTickSql = """
        INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at)
        SELECT $1, $2, $3, last_tick.at
        FROM (
            SELECT max(newest.received_at) AS at
            FROM unnest($3::integer[]) AS instrument(id)
            CROSS JOIN LATERAL (
                SELECT t.received_at FROM tick_data t
                WHERE t.instrument_id = instrument.id AND t.time > $4 - interval '1 day' AND t.received_at < $4
                ORDER BY t.time DESC LIMIT 1
            ) newest
        ) last_tick
        WHERE last_tick.at IS NOT NULL AND last_tick.at < $4 - interval '1 second'
        ON CONFLICT (broker, connection) WHERE ended_at IS NULL DO NOTHING
        """;

    private const string CloseSql = """
        UPDATE feed_gaps SET ended_at = greatest($3, started_at)
        WHERE broker = $1 AND connection = $2 AND ended_at IS NULL
        """;

    // Only this Ingestor's slots, and rows from before connections carried an Ingestor's name (no '/').
    private const string CloseOthersSql = """
        UPDATE feed_gaps SET ended_at = greatest($3, started_at)
        WHERE broker = $1 AND NOT (connection = ANY($2)) AND ended_at IS NULL
          AND (starts_with(connection, $4) OR strpos(connection, '/') = 0)
        """;

    private const string HandoverSql = """
        INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at)
        VALUES ($1, $2, $3, $4, greatest($5, $4))
        """;

    private readonly string _prefix = ingestor.Value.Name + "/";
    private readonly Lock _gate = new();
    private readonly Queue<GapRecord> _pending = new();
    private readonly SemaphoreSlim _signal = new(0);
    private long _failedWrites;

    /// <summary>Writes the database refused so far; each is retried.</summary>
    public long FailedWrites => Interlocked.Read(ref _failedWrites);

    /// <summary>Records still waiting for the database.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues the start of a gap: the connection dropped, its instruments stream nothing from <paramref name="startedAt"/>.</summary>
    public void Open(string broker, string connection, int[] instrumentIds, DateTimeOffset startedAt) =>
        Enqueue(new GapRecord(GapChange.Open, broker, [Qualify(connection)], instrumentIds, startedAt));

    /// <summary>
    /// Queues the gap a crash of an earlier run left unrecorded: from the last tick stored for <paramref name="instrumentIds"/>,
    /// if that is older than a few seconds before <paramref name="subscribedAt"/> and the connection has no open gap.
    /// </summary>
    public void OpenSinceLastTick(string broker, string connection, int[] instrumentIds, DateTimeOffset subscribedAt) =>
        Enqueue(new GapRecord(GapChange.OpenSinceLastTick, broker, [Qualify(connection)], instrumentIds, subscribedAt));

    /// <summary>Queues the end of the connection's open gap, if it has one.</summary>
    public void Close(string broker, string connection, DateTimeOffset endedAt) =>
        Enqueue(new GapRecord(GapChange.Close, broker, [Qualify(connection)], [], endedAt));

    /// <summary>Queues the end of every open gap of the broker on connections other than <paramref name="connections"/>: slots an earlier run used and this one does not.</summary>
    public void CloseAllBut(string broker, string[] connections, DateTimeOffset endedAt) =>
        Enqueue(new GapRecord(GapChange.CloseOthers, broker, [.. connections.Select(Qualify)], [], endedAt));

    /// <summary>
    /// Queues a closed gap for instruments this Ingestor took over from another: nothing streamed them between the last
    /// moment their previous holder was known to (<paramref name="startedAt"/>) and this Ingestor's subscribing them.
    /// </summary>
    public void Handover(string broker, int[] instrumentIds, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        Enqueue(new GapRecord(GapChange.Handover, broker, [Qualify("handover")], instrumentIds, startedAt, endedAt));

    private string Qualify(string connection) => _prefix + connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(stoppingToken);
                await WritePendingAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Feeds stop first and queue the gap of their shutdown; this writes it while the database is still there.
            using var drain = new CancellationTokenSource(DrainTimeout, timeProvider);
            try
            {
                await WritePendingAsync(drain.Token);
            }
            catch (OperationCanceledException)
            {
                LogLostAtShutdown(logger, PendingCount);
            }
        }
    }

    private void Enqueue(GapRecord record)
    {
        lock (_gate)
        {
            _pending.Enqueue(record);
        }
        _signal.Release();
    }

    private async Task WritePendingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            GapRecord record;
            lock (_gate)
            {
                if (!_pending.TryPeek(out record!))
                {
                    return;
                }
            }
            try
            {
                await WriteAsync(record, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failedWrites);
                LogWriteFailed(logger, exception, record.Broker, string.Join(",", record.Connections), PendingCount);
                await Task.Delay(RetryInterval, timeProvider, cancellationToken);
                continue;
            }
            lock (_gate)
            {
                _pending.Dequeue();
            }
        }
    }

    private async Task WriteAsync(GapRecord record, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(record.Change switch
        {
            GapChange.Open => OpenSql,
            GapChange.OpenSinceLastTick => OpenSinceLastTickSql,
            GapChange.Close => CloseSql,
            GapChange.Handover => HandoverSql,
            _ => CloseOthersSql,
        });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Broker });
        if (record.Change == GapChange.CloseOthers)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = record.Connections });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Connections[0] });
        }
        if (record.Change is GapChange.Open or GapChange.OpenSinceLastTick or GapChange.Handover)
        {
            command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = record.InstrumentIds });
        }
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = record.At });
        if (record.Change == GapChange.Handover)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = record.EndedAt });
        }
        else if (record.Change == GapChange.CloseOthers)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _prefix });
        }
        var rows = await command.ExecuteNonQueryAsync(cancellationToken);
        if (record.Change == GapChange.Handover)
        {
            LogHandover(logger, record.Broker, record.InstrumentIds.Length, record.At, record.EndedAt);
        }
        else if (record.Change == GapChange.Open)
        {
            LogOpened(logger, record.Broker, record.Connections[0], record.InstrumentIds.Length, record.At);
        }
        else if (record.Change == GapChange.OpenSinceLastTick)
        {
            if (rows > 0)
            {
                LogOpenedAfterCrash(logger, record.Broker, record.Connections[0], record.InstrumentIds.Length);
            }
        }
        else if (rows > 0)
        {
            LogClosed(logger, record.Broker, string.Join(',', record.Connections), rows, record.At);
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    private enum GapChange
    {
        Open,
        OpenSinceLastTick,
        Close,
        CloseOthers,
        Handover,
    }

    private sealed record GapRecord(GapChange Change, string Broker, string[] Connections, int[] InstrumentIds, DateTimeOffset At, DateTimeOffset EndedAt = default);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed gap of {Broker} recorded for {Instruments} instruments taken over from another Ingestor: from {StartedAt:O} to {EndedAt:O}")]
    private static partial void LogHandover(ILogger logger, string broker, int instruments, DateTimeOffset startedAt, DateTimeOffset endedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed gap of {Broker} connection {Connection} opened: {Instruments} instruments without ticks since {StartedAt:O}")]
    private static partial void LogOpened(ILogger logger, string broker, string connection, int instruments, DateTimeOffset startedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed gap of {Broker} connection {Connection} opened from its last stored tick: the previous run ended without recording one ({Instruments} instruments)")]
    private static partial void LogOpenedAfterCrash(ILogger logger, string broker, string connection, int instruments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed gaps of {Broker} (connections: {Connections}) closed: {Rows} at {EndedAt:O}")]
    private static partial void LogClosed(ILogger logger, string broker, string connections, int rows, DateTimeOffset endedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording a feed gap of {Broker} connection {Connection} failed; {Pending} records wait in memory and are retried")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string broker, string connection, int pending);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutting down with {Pending} feed gap records the database did not take")]
    private static partial void LogLostAtShutdown(ILogger logger, int pending);
}
