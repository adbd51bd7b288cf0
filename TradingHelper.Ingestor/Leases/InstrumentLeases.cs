using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TradingHelper.Ingestor.Leases;

/// <summary>
/// The instruments this Ingestor may stream: those whose lease it holds in <c>instrument_leases</c>. Each renewal also
/// balances the set, so every live Ingestor streams an equal share of the active subscriptions and a crashed one's
/// instruments are taken over once its leases expire.
/// </summary>
/// <remarks>
/// An instrument is never streamed by two Ingestors on purpose: a share is unsubscribed before its leases are released,
/// and taken up only after. Every change runs under one advisory lock, so concurrent renewals see a consistent set.
/// When the database cannot be reached the current set is kept: losing ticks is worse than storing some twice.
/// </remarks>
public sealed partial class InstrumentLeases(
    NpgsqlDataSource dataSource,
    IOptions<IngestorOptions> ingestor,
    IOptions<LeaseOptions> options,
    ILogger<InstrumentLeases> logger) : IHostedService
{
    // Any fixed key would do; it only has to differ from the migrator's.
    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtext('tradinghelper.instrument_leases'))";

    private const string JoinSql = """
        INSERT INTO ingestor_members (ingestor, expires_at) VALUES ($1, now() + $2)
        ON CONFLICT (ingestor) DO UPDATE SET expires_at = excluded.expires_at
        """;

    // Leases of instruments nobody wants any more go, whoever holds them; members gone for a day are forgotten.
    private const string ForgetSql = """
        DELETE FROM instrument_leases l
        WHERE NOT EXISTS (
            SELECT 1 FROM subscriptions s JOIN instruments i ON i.instrument_id = s.instrument_id
            WHERE s.instrument_id = l.instrument_id AND s.active AND NOT i.is_expired);
        DELETE FROM ingestor_members WHERE expires_at < now() - interval '1 day'
        """;

    // Expired leases still held by this Ingestor are renewed too: nobody took them, so it never stopped holding them.
    private const string RenewSql = """
        UPDATE instrument_leases SET renewed_at = now(), expires_at = now() + $2
        WHERE ingestor = $1
        RETURNING instrument_id
        """;

    private const string ShareSql = """
        SELECT (SELECT count(*) FROM ingestor_members WHERE expires_at > now()),
               (SELECT count(*) FROM subscriptions s JOIN instruments i ON i.instrument_id = s.instrument_id
                WHERE s.active AND NOT i.is_expired)
        """;

    // Free: never leased, released, or expired. A lease this Ingestor held before is no handover (a restart: the
    // feed records the crash's gap from the last stored tick).
    private const string ClaimSql = """
        WITH candidates AS (
            SELECT s.instrument_id, l.renewed_at AS previous, l.instrument_id IS NOT NULL AND l.ingestor IS DISTINCT FROM $1 AS handover
            FROM subscriptions s
            JOIN instruments i ON i.instrument_id = s.instrument_id
            LEFT JOIN instrument_leases l ON l.instrument_id = s.instrument_id
            WHERE s.active AND NOT i.is_expired AND (l.instrument_id IS NULL OR l.ingestor IS NULL OR l.expires_at <= now())
            ORDER BY s.instrument_id
            LIMIT $3
        ), claimed AS (
            INSERT INTO instrument_leases (instrument_id, ingestor, renewed_at, expires_at)
            SELECT instrument_id, $1, now(), now() + $2 FROM candidates
            ON CONFLICT (instrument_id) DO UPDATE
            SET ingestor = excluded.ingestor, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
            RETURNING instrument_id
        )
        SELECT c.instrument_id, c.handover, c.previous FROM candidates c JOIN claimed USING (instrument_id)
        """;

    private const string ReleaseSql = """
        UPDATE instrument_leases SET ingestor = NULL, renewed_at = now(), expires_at = now()
        WHERE ingestor = $1 AND instrument_id = ANY($2)
        """;

    private const string LeaveSql = """
        WITH gone AS (DELETE FROM ingestor_members WHERE ingestor = $1)
        SELECT count(*) FROM ingestor_members WHERE expires_at > now() AND ingestor <> $1
        """;

    // The gaps this Ingestor's feed opened as it stopped end where the next holders' handover gaps begin.
    private const string EndOwnGapsSql = """
        UPDATE feed_gaps SET ended_at = greatest(now(), started_at)
        WHERE ended_at IS NULL AND starts_with(connection, $1 || '/')
        """;

    private const string TakenSql = """
        SELECT count(*) FROM instrument_leases WHERE instrument_id = ANY($2) AND ingestor <> $1
        """;

    private readonly string _name = ingestor.Value.Name;
    private FrozenSet<int> _owned = FrozenSet<int>.Empty;

    /// <summary>This Ingestor's name, as its leases and feed gaps carry it.</summary>
    public string IngestorName => _name;

    /// <summary>The instruments this Ingestor holds a lease on.</summary>
    public FrozenSet<int> Owned => Volatile.Read(ref _owned);

    /// <summary>Whether this Ingestor may stream <paramref name="instrumentId"/>.</summary>
    public bool Owns(int instrumentId) => Owned.Contains(instrumentId);

    /// <summary>
    /// Renews this Ingestor's leases, claims free ones up to its fair share, and says which instruments it took over and
    /// which are over its share: those leave <see cref="Owned"/> now, and <see cref="ReleaseAsync"/> gives their leases
    /// up once the feed has dropped them.
    /// </summary>
    public async Task<LeaseChange> RenewAsync(CancellationToken cancellationToken)
    {
        var duration = options.Value.Duration;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, LockSql, cancellationToken);
        await ExecuteAsync(connection, transaction, JoinSql, cancellationToken, Name(), Duration(duration));
        await ExecuteAsync(connection, transaction, ForgetSql, cancellationToken);

        var held = new HashSet<int>();
        await using (var renew = new NpgsqlCommand(RenewSql, connection, transaction))
        {
            renew.Parameters.Add(Name());
            renew.Parameters.Add(Duration(duration));
            await using var reader = await renew.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                held.Add(reader.GetInt32(0));
            }
        }

        long members, wanted;
        await using (var share = new NpgsqlCommand(ShareSql, connection, transaction))
        await using (var reader = await share.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            members = Math.Max(1, reader.GetInt64(0));
            wanted = reader.GetInt64(1);
        }
        var fairShare = (int)((wanted + members - 1) / members);

        var takenOver = new List<int>();
        var handoverFrom = DateTimeOffset.MaxValue;
        if (held.Count < fairShare)
        {
            await using var claim = new NpgsqlCommand(ClaimSql, connection, transaction);
            claim.Parameters.Add(Name());
            claim.Parameters.Add(Duration(duration));
            claim.Parameters.Add(new NpgsqlParameter<int> { TypedValue = fairShare - held.Count });
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt32(0);
                held.Add(id);
                if (reader.GetBoolean(1))
                {
                    takenOver.Add(id);
                    var previous = reader.GetFieldValue<DateTimeOffset>(2);
                    handoverFrom = previous < handoverFrom ? previous : handoverFrom;
                }
            }
        }
        var gone = Owned.Where(id => !held.Contains(id)).ToArray();
        if (gone.Length > 0)
        {
            // Gone because unsubscribed is normal; gone to another Ingestor means renewals failed for too long.
            await using var taken = new NpgsqlCommand(TakenSql, connection, transaction);
            taken.Parameters.Add(Name());
            taken.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = gone });
            if ((long)(await taken.ExecuteScalarAsync(cancellationToken) ?? 0L) is var lost and > 0)
            {
                LogLost(logger, _name, lost);
            }
        }
        await transaction.CommitAsync(cancellationToken);

        // Over its share, an Ingestor stops streaming the excess before it releases it, so none is streamed twice.
        var toRelease = held.Count > fairShare ? held.Order().Skip(fairShare).ToArray() : [];
        held.ExceptWith(toRelease);
        if (!held.SetEquals(Owned))
        {
            Volatile.Write(ref _owned, held.ToFrozenSet());
        }
        if (takenOver.Count > 0)
        {
            LogTakenOver(logger, _name, takenOver.Count, handoverFrom);
        }
        return takenOver.Count == 0 && toRelease.Length == 0
            ? LeaseChange.None
            : new LeaseChange([.. takenOver], takenOver.Count > 0 ? handoverFrom : default, toRelease);
    }

    /// <summary>Gives up the leases of <paramref name="instrumentIds"/>, which the feed no longer streams.</summary>
    public async Task ReleaseAsync(int[] instrumentIds, CancellationToken cancellationToken)
    {
        if (instrumentIds.Length == 0)
        {
            return;
        }
        await using var command = dataSource.CreateCommand(ReleaseSql);
        command.Parameters.Add(Name());
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = instrumentIds });
        var released = await command.ExecuteNonQueryAsync(cancellationToken);
        LogReleased(logger, _name, released);
    }

    /// <summary>
    /// Leaves the group at shutdown, after the feed stopped. With other Ingestors live, the leases are released so they
    /// take the instruments over at once (and the gaps this feed opened as it stopped end there, where their handover
    /// gaps begin); alone, they are kept, so a restart takes them back without a handover.
    /// Returns whether others took over.
    /// </summary>
    public async Task<bool> LeaveAsync(CancellationToken cancellationToken)
    {
        await using var leave = dataSource.CreateCommand(LeaveSql);
        leave.Parameters.Add(Name());
        var others = (long)(await leave.ExecuteScalarAsync(cancellationToken) ?? 0L);
        if (others == 0)
        {
            return false;
        }
        var owned = Owned.ToArray();
        Volatile.Write(ref _owned, FrozenSet<int>.Empty);
        await ReleaseAsync(owned, cancellationToken);
        await using var endGaps = dataSource.CreateCommand(EndOwnGapsSql);
        endGaps.Parameters.Add(Name());
        await endGaps.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Registered before the feed, so this runs once the feed has stopped streaming.
    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LeaveAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            LogLeaveFailed(logger, exception, _name, options.Value.Duration);
        }
    }

    private NpgsqlParameter<string> Name() => new() { TypedValue = _name };

    private static NpgsqlParameter<TimeSpan> Duration(TimeSpan duration) => new() { TypedValue = duration };

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestor {Ingestor} took over {Instruments} instruments from other Ingestors; their last known streaming was at {Since:O}")]
    private static partial void LogTakenOver(ILogger logger, string ingestor, int instruments, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestor {Ingestor} released {Instruments} instruments over its share")]
    private static partial void LogReleased(ILogger logger, string ingestor, int instruments);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingestor {Ingestor} lost the leases of {Instruments} instruments to another Ingestor (it could not renew them in time) and stops streaming them")]
    private static partial void LogLost(ILogger logger, string ingestor, long instruments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestor {Ingestor} could not release its leases at shutdown; other Ingestors take its instruments over when the leases expire ({Duration})")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string ingestor, TimeSpan duration);
}
