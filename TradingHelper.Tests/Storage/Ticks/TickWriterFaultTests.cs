using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage.Ticks;

[Collection(FaultTests.Name)]
public sealed class TickWriterFaultTests(TestServers servers)
{
    [Fact]
    public async Task Ticks_that_arrive_while_the_database_restarts_are_spooled_and_stored_exactly_once()
    {
        Assert.SkipUnless(servers.Postgres.IsOwned, "The test PostgreSQL server is external and cannot be restarted.");
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_db_restart");
        using var spool = new TempDirectory();
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path, options => options.BatchSize = 500);
        await writer.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        using var stopFeed = new CancellationTokenSource();
        long sent = 0;
        var feed = Task.Run(async () =>
        {
            // A steady feed of a few thousand ticks a second that keeps going through the outage.
            while (!stopFeed.IsCancellationRequested)
            {
                for (var i = 0; i < 20; i++)
                {
                    await writer.Writer.WriteAsync(TestTicks.Make(sent + 1), ct);
                    sent++;
                }
                await Task.Delay(1, ct);
            }
        }, ct);

        await Eventually.TrueAsync(() => writer.Written >= 2_000, "ticks are committed before the outage");
        try
        {
            await servers.Postgres.StopAsync();
            await Eventually.TrueAsync(() => writer.Spooled >= 3_000, "ticks are spooled during the outage");
        }
        finally
        {
            await servers.Postgres.RestartAsync();
        }
        await Eventually.TrueAsync(() => writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "replay") >= 3_000, "the spool is replayed after the outage");
        await stopFeed.CancelAsync();
        await feed;
        await writer.WaitUntilSettledAsync(sent);
        await writer.StopAsync();

        database.DataSource.Clear();
        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(sent, stored.Rows);
        Assert.Equal(sent, stored.DistinctTicks);
        Assert.Equal(StoredTicks.Expected(sent), stored.ByInstrument);
        Assert.Empty(spool.SpoolFiles());
    }

    [Fact]
    public async Task A_full_spool_holds_the_feed_until_the_database_is_back_and_drops_nothing()
    {
        Assert.SkipUnless(servers.Postgres.IsOwned, "The test PostgreSQL server is external and cannot be restarted.");
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_spool_cap");
        using var spool = new TempDirectory();
        const int BatchSize = 100, ChannelCapacity = 1_000, Ticks = 20_000;
        const long CapBytes = 1L << 20;
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path, options =>
        {
            options.BatchSize = BatchSize;
            options.ChannelCapacity = ChannelCapacity;
            options.SpoolCapBytes = CapBytes;
        });
        await writer.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        Task feed;
        try
        {
            await servers.Postgres.StopAsync();
            feed = Task.Run(async () =>
            {
                for (var sequence = 1; sequence <= Ticks; sequence++)
                {
                    await writer.Writer.WriteAsync(TestTicks.Make(sequence), ct);
                }
            }, ct);

            // The spool has no room for another batch and the channel is full: the feed can only be waiting.
            await Eventually.TrueAsync(
                () => writer.Writer.SpoolBytes + TickSpoolFormat.RecordSize(BatchSize) > CapBytes && writer.Writer.QueuedTicks == ChannelCapacity,
                "the spool is at its cap and the channel is full");
            Assert.False(feed.IsCompleted);
            Assert.InRange(writer.Writer.SpoolBytes, 0, CapBytes);
        }
        finally
        {
            await servers.Postgres.RestartAsync();
        }
        await feed;
        await writer.WaitUntilSettledAsync(Ticks);
        await writer.StopAsync();

        database.DataSource.Clear();
        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(Ticks, stored.Rows);
        Assert.Equal(Ticks, stored.DistinctTicks);
        Assert.Equal(StoredTicks.Expected(Ticks), stored.ByInstrument);
    }
}
