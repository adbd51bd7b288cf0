using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage.Ticks;

public sealed class TickBatchCommitterTests(TestServers servers)
{
    [Fact]
    public async Task A_batch_of_late_ticks_asks_for_its_candles_to_be_recomputed()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "late_ticks");
        var ticks = Enumerable.Range(1, 10).Select(i => TestTicks.Make(i)).ToArray();
        // The ticks were received at 09:15 IST; the database comes back two hours later and the spool replays them.
        var clock = new FakeTimeProvider(ticks[^1].ReceivedAt.AddHours(2));

        await new TickBatchCommitter(database.DataSource, "replaying-writer", clock)
            .CommitAsync(Guid.CreateVersion7(), ticks, ticks.Length, TestContext.Current.CancellationToken);

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM candle_invalidations"));
        Assert.Equal(ticks.Min(tick => tick.Time).UtcDateTime, await database.ScalarAsync<DateTime>("SELECT from_time FROM candle_invalidations"));
        Assert.Equal(ticks.Max(tick => tick.Time).UtcDateTime, await database.ScalarAsync<DateTime>("SELECT to_time FROM candle_invalidations"));
    }

    [Fact]
    public async Task A_batch_of_fresh_ticks_leaves_candles_to_the_refresher()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "fresh_ticks");
        var ticks = Enumerable.Range(1, 10).Select(i => TestTicks.Make(i)).ToArray();
        var clock = new FakeTimeProvider(ticks[^1].ReceivedAt.AddSeconds(1));

        await new TickBatchCommitter(database.DataSource, "live-writer", clock)
            .CommitAsync(Guid.CreateVersion7(), ticks, ticks.Length, TestContext.Current.CancellationToken);

        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM candle_invalidations"));
        Assert.Equal(10L, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
    }
}
