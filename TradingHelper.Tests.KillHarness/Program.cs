using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;

// Feeds ticks 1, 2, 3, … up to <max ticks> (the sequence is the tick's cumulative volume) into a real TickWriter, then
// waits to be killed. The bound keeps a spool that a slow reader of stdout lets grow within what a replay clears quickly.
// stdout: "sent <n>" once ticks 1..n are in the writer's channel; "durable <n>" once ticks 1..n are committed or
// fsynced to the spool. The writer keeps batches in order, so durable ticks are always a prefix of the sequence.
if (args.Length != 5)
{
    await Console.Error.WriteLineAsync("usage: <connection string> <spool directory> <batch size> <channel capacity> <max ticks>");
    return 2;
}
var maxTicks = long.Parse(args[4], CultureInfo.InvariantCulture);

const int Instruments = 50;
var options = new TickWriterOptions
{
    SpoolDirectory = args[1],
    BatchSize = int.Parse(args[2], CultureInfo.InvariantCulture),
    ChannelCapacity = int.Parse(args[3], CultureInfo.InvariantCulture),
    FlushInterval = TimeSpan.FromMilliseconds(50),
    RetryInterval = TimeSpan.FromMilliseconds(100),
    SpoolCapBytes = 256L << 20,
    WriterId = "kill-harness",
};

await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
long durable = 0;
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, meterListener) =>
{
    if (instrument.Name is TickWriterMetrics.TicksWritten or TickWriterMetrics.TicksSpooled)
    {
        meterListener.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
{
    // A replayed batch was counted when it was spooled.
    foreach (var tag in tags)
    {
        if (tag.Value is "replay")
        {
            return;
        }
    }
    Console.Out.WriteLine($"durable {Interlocked.Add(ref durable, value)}");
});
listener.Start();

var storage = new StorageState();
storage.MarkReady(StorageProfile.Postgres);
await using var dataSource = NpgsqlDataSource.Create(args[0]);
using var writer = new TickWriter(
    dataSource, storage, Options.Create(options), TimeProvider.System,
    services.GetRequiredService<IMeterFactory>(), NullLogger<TickWriter>.Instance);
await writer.StartAsync(CancellationToken.None);

var start = TimeProvider.System.GetUtcNow();
for (long sequence = 1; sequence <= maxTicks; sequence++)
{
    await writer.WriteAsync(new Tick
    {
        InstrumentId = (int)(sequence % Instruments) + 1,
        LastPrice = 24_000m + (sequence % 2_000 * 0.05m),
        AveragePrice = 23_987.35m,
        LastQuantity = 75,
        Volume = sequence,
        OpenInterest = 10_000_000 + sequence,
        ReceivedAt = start.AddMilliseconds(sequence),
    }, CancellationToken.None);
    if (sequence % 500 == 0)
    {
        Console.Out.WriteLine($"sent {sequence}");
    }
}
await Console.Out.WriteLineAsync($"sent {maxTicks}");
await Task.Delay(Timeout.Infinite);
return 1;
