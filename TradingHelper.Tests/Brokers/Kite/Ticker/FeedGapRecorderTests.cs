using Microsoft.Extensions.Options;
using TradingHelper.Ingestor.Feed;
using TradingHelper.Ingestor.Leases;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;
using TradingHelper.Tests.Storage.Ticks;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

public sealed class FeedGapRecorderTests(TestServers servers)
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Gaps_wait_in_memory_while_the_database_refuses_them_and_are_written_in_order_afterwards()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "gap_recorder");
        await database.ExecuteAsync("ALTER TABLE feed_gaps RENAME TO feed_gaps_away");
        using var recorder = new FeedGapRecorder(database.DataSource, Options.Create(new IngestorOptions()), TimeProvider.System, new TestOutputLogger<FeedGapRecorder>());
        await recorder.StartAsync(ct);

        recorder.Open("kite", "0", [3, 5], Start);
        recorder.Close("kite", "0", Start.AddSeconds(4));
        recorder.Open("kite", "0", [3, 5], Start.AddSeconds(10));
        await Eventually.TrueAsync(() => recorder.FailedWrites >= 2, "the recorder has retried against the missing table");
        var pendingWhileRefused = recorder.PendingCount;
        await database.ExecuteAsync("ALTER TABLE feed_gaps_away RENAME TO feed_gaps");
        await Eventually.TrueAsync(() => recorder.PendingCount == 0, "every queued record is written");
        await recorder.StopAsync(ct);

        Assert.Equal(3, pendingWhileRefused);
        Assert.Equal(2, await database.ScalarAsync<long>("SELECT count(*) FROM feed_gaps"));
        Assert.Equal(1, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM feed_gaps WHERE instrument_ids = '{{3,5}}' AND started_at = '{Start:O}' AND ended_at = '{Start.AddSeconds(4):O}'"));
        Assert.Equal(1, await database.ScalarAsync<long>($"SELECT count(*) FROM feed_gaps WHERE started_at = '{Start.AddSeconds(10):O}' AND ended_at IS NULL"));
    }

    [Fact]
    public async Task A_second_drop_before_the_first_gap_closed_widens_the_open_gap()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "gap_widen");
        using var recorder = new FeedGapRecorder(database.DataSource, Options.Create(new IngestorOptions()), TimeProvider.System, new TestOutputLogger<FeedGapRecorder>());
        await recorder.StartAsync(ct);

        recorder.Open("kite", "1", [7, 2], Start.AddSeconds(5));
        recorder.Open("kite", "1", [2, 9], Start);
        recorder.Close("kite", "1", Start.AddSeconds(30));
        await Eventually.TrueAsync(() => recorder.PendingCount == 0, "every queued record is written");
        await recorder.StopAsync(ct);

        Assert.Equal(1, await database.ScalarAsync<long>(
            $"SELECT count(*) FROM feed_gaps WHERE instrument_ids = '{{2,7,9}}' AND started_at = '{Start:O}' AND ended_at = '{Start.AddSeconds(30):O}'"));
        Assert.Equal(1, await database.ScalarAsync<long>("SELECT count(*) FROM feed_gaps"));
    }
}
