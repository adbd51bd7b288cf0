using Microsoft.Extensions.Logging.Abstractions;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage.Ticks;

public sealed class TickSpoolTests(TestServers servers)
{
    [Fact]
    public void A_spooled_batch_reads_back_tick_for_tick()
    {
        using var folder = new TempDirectory();
        var batch = Batch(1, 7);
        var batchId = Guid.CreateVersion7();
        using (var spool = TickSpool.Open(folder.Path, 64L << 20, NullLogger.Instance))
        {
            spool.Append(batchId, batch);
        }

        using var reopened = TickSpool.Open(folder.Path, 64L << 20, NullLogger.Instance);
        var cursor = default(TickSpool.Cursor);
        var ticks = new Tick[2];
        Assert.True(reopened.TryRead(ref cursor, ref ticks, out var record));

        Assert.Equal(batchId, record.BatchId);
        Assert.Equal(batch, ticks.AsSpan(0, record.Count).ToArray());
        cursor = record.Next;
        Assert.False(reopened.TryRead(ref cursor, ref ticks, out _));
        Assert.True(reopened.IsEmpty);
        Assert.Empty(folder.SpoolFiles());
    }

    [Fact]
    public void A_flipped_bit_fails_the_record_checksum()
    {
        var ticks = Batch(1, 3);
        var record = new byte[TickSpoolFormat.RecordSize(ticks.Length)];
        TickSpoolFormat.Write(record, Guid.CreateVersion7(), ticks);
        Assert.True(TickSpoolFormat.IsIntact(record));

        record[^40] ^= 0x10;

        Assert.False(TickSpoolFormat.IsIntact(record));
    }

    [Fact]
    public async Task A_batch_committed_just_before_a_crash_is_not_written_again_on_replay()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "spool_commit_crash");
        using var folder = new TempDirectory();
        var committedBeforeCrash = Batch(1, 1_000);
        var notYetCommitted = Batch(1_001, 2_000);
        var committedId = Guid.CreateVersion7();

        // The process died after COMMIT but before the spool was truncated: the batch is in both places.
        using (var spool = TickSpool.Open(folder.Path, 64L << 20, NullLogger.Instance))
        {
            spool.Append(committedId, committedBeforeCrash);
            spool.Append(Guid.CreateVersion7(), notYetCommitted);
        }
        Assert.True(await new TickBatchCommitter(database.DataSource, "crashed-writer", TimeProvider.System)
            .CommitAsync(committedId, committedBeforeCrash, committedBeforeCrash.Length, TestContext.Current.CancellationToken));

        await using var writer = TickWriterUnderTest.Create(database.DataSource, folder.Path);
        await writer.StartAsync();
        await writer.WaitUntilSettledAsync(0);
        await writer.StopAsync();

        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(2_000, stored.Rows);
        Assert.Equal(2_000, stored.DistinctTicks);
        Assert.Equal(StoredTicks.Expected(2_000), stored.ByInstrument);
        Assert.Equal(1, writer.Metrics.Sum(TickWriterMetrics.BatchesSkipped));
        Assert.Equal(1_000, writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "replay"));
        Assert.Empty(folder.SpoolFiles());
    }

    [Fact]
    public async Task A_torn_last_record_is_ignored_and_the_records_before_it_are_replayed()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "spool_torn_tail");
        using var folder = new TempDirectory();
        using (var spool = TickSpool.Open(folder.Path, 64L << 20, NullLogger.Instance))
        {
            spool.Append(Guid.CreateVersion7(), Batch(1, 500));
            spool.Append(Guid.CreateVersion7(), Batch(501, 1_000));
            spool.Append(Guid.CreateVersion7(), Batch(1_001, 1_500));
        }
        var file = Assert.Single(folder.SpoolFiles());
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            // A crash part-way through writing the third record leaves it a few bytes short.
            stream.SetLength(stream.Length - 5);
        }

        await using var writer = TickWriterUnderTest.Create(database.DataSource, folder.Path);
        await writer.StartAsync();
        await writer.WaitUntilSettledAsync(0);
        await writer.StopAsync();

        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(1_000, stored.Rows);
        Assert.Equal(1_000, stored.MaxSequence);
        Assert.Equal(StoredTicks.Expected(1_000), stored.ByInstrument);
        Assert.Empty(folder.SpoolFiles());
    }

    [Fact]
    public async Task A_spool_at_its_cap_holds_the_writer_until_replay_frees_space()
    {
        using var folder = new TempDirectory();
        const int BatchTicks = 1_000;
        var capBytes = (long)TickSpoolFormat.RecordSize(BatchTicks) * TickSpool.MinimumRecordsInCap;
        using var spool = TickSpool.Open(folder.Path, capBytes, NullLogger.Instance);
        var appended = 0;
        while (spool.HasRoomFor(TickSpoolFormat.RecordSize(BatchTicks)))
        {
            spool.Append(Guid.CreateVersion7(), Batch((appended * BatchTicks) + 1, (appended + 1) * BatchTicks));
            appended++;
        }
        var roomFreed = spool.RoomFreed;
        Assert.False(roomFreed.IsCompleted);

        var cursor = default(TickSpool.Cursor);
        var ticks = new Tick[BatchTicks];
        while (!roomFreed.IsCompleted && spool.TryRead(ref cursor, ref ticks, out var record))
        {
            cursor = record.Next;
            spool.Consume(cursor);
        }

        await roomFreed.WaitAsync(TestContext.Current.CancellationToken);
        Assert.True(spool.HasRoomFor(TickSpoolFormat.RecordSize(BatchTicks)));
        Assert.Equal(TickSpool.MinimumRecordsInCap, appended);
    }

    private static Tick[] Batch(long first, long last)
    {
        var ticks = new Tick[last - first + 1];
        for (var i = 0; i < ticks.Length; i++)
        {
            ticks[i] = TestTicks.Make(first + i);
        }
        return ticks;
    }
}
