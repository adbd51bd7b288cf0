using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage.Ticks;

public sealed class TickWriterTests(TestServers servers)
{
    [Fact]
    public async Task A_hundred_thousand_ticks_from_four_feeds_are_stored_exactly_once()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_100k");
        using var spool = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TickWriter:SpoolDirectory"] = spool.Path,
            ["TickWriter:WriterId"] = "ingestor-a",
        });
        builder.Services.AddSingleton(database.DataSource);
        builder.Services.AddTradingStorage();
        builder.Services.AddTickWriter();
        using var host = builder.Build();
        await host.StartAsync(ct);
        var sink = host.Services.GetRequiredService<ITickSink>();

        const int Feeds = 4, TicksPerFeed = 25_000;
        await Task.WhenAll(Enumerable.Range(0, Feeds).Select(feed => Task.Run(async () =>
        {
            for (long i = 1; i <= TicksPerFeed; i++)
            {
                await sink.WriteAsync(TestTicks.Make((feed * TicksPerFeed) + i), ct);
            }
        }, ct)));
        await host.StopAsync(ct);

        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(Feeds * TicksPerFeed, stored.Rows);
        Assert.Equal(stored.Rows, stored.DistinctTicks);
        Assert.Equal(StoredTicks.Expected(Feeds * TicksPerFeed), stored.ByInstrument);
        Assert.Equal(Feeds * TicksPerFeed, await database.ScalarAsync<long>("SELECT sum(row_count)::bigint FROM ingest_batches WHERE writer = 'ingestor-a'"));
        Assert.Empty(spool.SpoolFiles());
    }

    // The clock is fake and never reaches the old rule's deadline: the timeout turns a regression into a failure, not a hang.
    [Fact(Timeout = 60_000)]
    public async Task Ticks_received_longer_ago_than_the_interval_are_written_without_waiting_for_it()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_overdue");
        using var spool = new TempDirectory();
        // The fake clock never moves: only the ticks' own receive time can tell the writer they are overdue.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.Zero));
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path,
            options => options.FlushInterval = TimeSpan.FromMinutes(1), timeProvider: clock);
        await writer.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        Tick[] sent = [.. new[] { 1L, 2L, 3L }.Select(sequence => TestTicks.Make(sequence) with { ReceivedAt = clock.GetUtcNow().AddMinutes(-2) })];
        foreach (var tick in sent)
        {
            await writer.Writer.WriteAsync(tick, ct);
        }

        // The metric is recorded after the commit: once it counts them, the rows must be visible too.
        await Eventually.TrueAsync(() => writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "direct") >= sent.Length, "the ticks are committed");
        Assert.Equal(sent.Length, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
        Assert.Equal(sent.Length, writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "direct"));
    }

    // The clock is fake and never reaches the old rule's deadline: the timeout turns a regression into a failure, not a hang.
    [Fact(Timeout = 60_000)]
    public async Task Fresh_ticks_wait_for_the_interval_counted_from_their_receipt()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_fresh");
        using var spool = new TempDirectory();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.Zero));
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path,
            options => options.FlushInterval = TimeSpan.FromMinutes(1), timeProvider: clock);
        await writer.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        // Received 40 s ago on the writer's clock: 20 s of the interval are left.
        Tick[] sent = [.. new[] { 1L, 2L }.Select(sequence => TestTicks.Make(sequence) with { ReceivedAt = clock.GetUtcNow().AddSeconds(-40) })];
        foreach (var tick in sent)
        {
            await writer.Writer.WriteAsync(tick, ct);
        }
        // The writer has taken the first tick (and so armed its deadline) once the channel is empty.
        while (writer.Writer.QueuedTicks > 0)
        {
            await Task.Delay(10, ct);
        }
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));

        clock.Advance(TimeSpan.FromSeconds(20));
        // The metric is recorded after the commit: once it counts them, the rows must be visible too.
        await Eventually.TrueAsync(() => writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "direct") >= sent.Length, "the ticks are committed");
        Assert.Equal(sent.Length, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
        Assert.Equal(sent.Length, writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "direct"));
    }

    [Fact]
    public async Task A_quiet_market_is_flushed_after_the_interval_without_filling_a_batch()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_quiet");
        using var spool = new TempDirectory();
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path, options => options.BatchSize = 5_000);
        await writer.StartAsync();
        var ct = TestContext.Current.CancellationToken;

        Tick[] sent = [TestTicks.Make(1), TestTicks.Make(2), TestTicks.Make(3)];
        foreach (var tick in sent)
        {
            await writer.Writer.WriteAsync(tick, ct);
        }

        // The writer keeps running: only the flush interval can bring these three ticks to the table.
        // The metric is recorded after the commit: once it counts them, the rows must be visible too.
        await Eventually.TrueAsync(() => writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "direct") >= sent.Length, "the ticks are committed");
        Assert.Equal(sent.Length, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
        Assert.Equal(sent, await ReadBackAsync(database.DataSource));
        Assert.Equal(sent.Length, writer.Metrics.Sum(TickWriterMetrics.TicksWritten, "direct"));
    }

    [Fact]
    public async Task A_full_channel_makes_the_feed_wait_and_drops_nothing()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_backpressure");
        using var spool = new TempDirectory();
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path, options => options.ChannelCapacity = 10);
        var ct = TestContext.Current.CancellationToken;

        for (var sequence = 1; sequence <= 10; sequence++)
        {
            Assert.True(writer.Writer.TryWrite(TestTicks.Make(sequence)));
        }
        Assert.False(writer.Writer.TryWrite(TestTicks.Make(11)));
        var waiting = writer.Writer.WriteAsync(TestTicks.Make(11), ct).AsTask();
        var queuedBehind = writer.Writer.WriteAsync(TestTicks.Make(12), ct).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.False(queuedBehind.IsCompleted);

        await writer.StartAsync();
        await Task.WhenAll(waiting, queuedBehind);
        await writer.StopAsync();

        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(12, stored.Rows);
        Assert.Equal(12, stored.DistinctTicks);
        Assert.Equal(StoredTicks.Expected(12), stored.ByInstrument);
    }

    [Fact]
    public async Task Ticks_queued_before_the_schema_is_ready_are_spooled_at_shutdown_and_replayed_next_start()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_not_ready");
        using var spool = new TempDirectory();
        var ct = TestContext.Current.CancellationToken;
        await using (var neverReady = TickWriterUnderTest.Create(database.DataSource, spool.Path, storageReady: false))
        {
            await neverReady.StartAsync();
            for (var sequence = 1; sequence <= 2_500; sequence++)
            {
                await neverReady.Writer.WriteAsync(TestTicks.Make(sequence), ct);
            }
            await neverReady.StopAsync();
            Assert.Equal(2_500, neverReady.Spooled);
        }
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));

        await using var next = TickWriterUnderTest.Create(database.DataSource, spool.Path);
        await next.StartAsync();
        await next.WaitUntilSettledAsync(0);

        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(2_500, stored.Rows);
        Assert.Equal(StoredTicks.Expected(2_500), stored.ByInstrument);
        Assert.Equal(2_500, next.Metrics.Sum(TickWriterMetrics.TicksWritten, "replay"));
    }

    [Fact]
    public async Task Two_writers_cannot_share_a_spool()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_spool_lock", migrate: false);
        using var spool = new TempDirectory();
        await using var first = TickWriterUnderTest.Create(database.DataSource, spool.Path, storageReady: false);
        await using var second = TickWriterUnderTest.Create(database.DataSource, spool.Path, storageReady: false);
        await first.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(second.StartAsync);

        Assert.Contains("SpoolDirectory", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TickWriter:BatchSize", "0")]
    [InlineData("TickWriter:FlushInterval", "00:00:00")]
    [InlineData("TickWriter:ChannelCapacity", "0")]
    [InlineData("TickWriter:SpoolDirectory", "")]
    [InlineData("TickWriter:SpoolCapBytes", "2000000")]
    [InlineData("TickWriter:WriterId", "")]
    public async Task Writer_settings_are_checked_at_start_up(string key, string value)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Port=1"));
        builder.Services.AddTradingStorage();
        builder.Services.Configure<StorageOptions>(options => options.MigrateOnStartup = false);
        builder.Services.AddTickWriter();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_ids_older_than_the_tick_retention_and_a_day_are_deleted()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_batch_retention");
        await database.ExecuteAsync("""
            INSERT INTO ingest_batches (batch_id, writer, row_count, committed_at) VALUES
                (gen_random_uuid(), 'old', 1, now() - interval '8 days 1 hour'),
                (gen_random_uuid(), 'kept', 1, now() - interval '7 days 23 hours')
            """);
        var retention = ActivatorUtilities.CreateInstance<IngestBatchRetention>(
            new ServiceCollection()
                .AddLogging()
                .AddSingleton(database.DataSource)
                .AddSingleton(new StorageState())
                .AddSingleton(TimeProvider.System)
                .AddSingleton(Options.Create(new StorageOptions { TickRetention = TimeSpan.FromDays(7) }))
                .BuildServiceProvider());

        Assert.Equal(1, await retention.SweepAsync(TestContext.Current.CancellationToken));
        Assert.Equal("kept", await database.ScalarAsync<string>("SELECT string_agg(writer, ',') FROM ingest_batches"));
    }

    private static async Task<List<Tick>> ReadBackAsync(NpgsqlDataSource dataSource)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var command = dataSource.CreateCommand("""
            SELECT time, instrument_id, last_price, last_quantity, average_price, volume, oi,
                   bid_price, bid_quantity, ask_price, ask_quantity, exchange_time, received_at
            FROM tick_data ORDER BY volume
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ticks = new List<Tick>();
        while (await reader.ReadAsync(ct))
        {
            var tick = new Tick
            {
                InstrumentId = reader.GetInt32(1),
                LastPrice = reader.GetDecimal(2),
                LastQuantity = reader.GetInt64(3),
                AveragePrice = reader.GetDecimal(4),
                Volume = reader.GetInt64(5),
                OpenInterest = reader.GetInt64(6),
                BidPrice = reader.IsDBNull(7) ? null : reader.GetDecimal(7),
                BidQuantity = reader.IsDBNull(8) ? null : reader.GetInt64(8),
                AskPrice = reader.IsDBNull(9) ? null : reader.GetDecimal(9),
                AskQuantity = reader.IsDBNull(10) ? null : reader.GetInt64(10),
                ExchangeTime = reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                ReceivedAt = reader.GetFieldValue<DateTimeOffset>(12),
            };
            Assert.Equal(tick.Time, reader.GetFieldValue<DateTimeOffset>(0));
            ticks.Add(tick);
        }
        return ticks;
    }
}
