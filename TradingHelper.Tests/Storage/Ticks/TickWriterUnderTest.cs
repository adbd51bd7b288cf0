using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Storage;

namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>A real <see cref="TickWriter"/> over a test database and spool folder, with its metrics observed.</summary>
internal sealed class TickWriterUnderTest : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private bool _started;

    private TickWriterUnderTest(NpgsqlDataSource dataSource, TickWriterOptions options, bool storageReady, TimeProvider timeProvider)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new MetricProbe(meterFactory);
        Storage = new StorageState();
        if (storageReady)
        {
            Storage.MarkReady(StorageProfile.Postgres);
        }
        Writer = new TickWriter(dataSource, Storage, Options.Create(options), timeProvider, meterFactory, new TestOutputLogger<TickWriter>());
    }

    public TickWriter Writer { get; }

    public MetricProbe Metrics { get; }

    public StorageState Storage { get; }

    public long Written => Metrics.Sum(TickWriterMetrics.TicksWritten);

    public long Spooled => Metrics.Sum(TickWriterMetrics.TicksSpooled);

    /// <summary>Small batches and short intervals, so that a test exercises many batches quickly.</summary>
    public static TickWriterUnderTest Create(NpgsqlDataSource dataSource, string spoolDirectory, Action<TickWriterOptions>? configure = null, bool storageReady = true,
        TimeProvider? timeProvider = null)
    {
        var options = new TickWriterOptions
        {
            BatchSize = 1_000,
            FlushInterval = TimeSpan.FromMilliseconds(20),
            ChannelCapacity = 10_000,
            SpoolDirectory = spoolDirectory,
            SpoolCapBytes = 256L << 20,
            WriterId = "test-writer",
            RetryInterval = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return new TickWriterUnderTest(dataSource, options, storageReady, timeProvider ?? TimeProvider.System);
    }

    public async Task StartAsync()
    {
        await Writer.StartAsync(TestContext.Current.CancellationToken);
        _started = true;
    }

    /// <summary>Stops the way the host would: the channel is drained and flushed first.</summary>
    public async Task StopAsync()
    {
        if (_started)
        {
            _started = false;
            await Writer.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits until every tick handed over is committed or spooled and the spool has been replayed.</summary>
    public Task WaitUntilSettledAsync(long expectedTicks) =>
        Eventually.TrueAsync(
            () => Writer.SpoolBytes == 0 && Metrics.Sum(TickWriterMetrics.TicksWritten, "direct") + Spooled >= expectedTicks,
            $"{expectedTicks} ticks are committed or spooled and the spool is replayed");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Writer.Dispose();
        Metrics.Dispose();
        await _services.DisposeAsync();
    }
}
