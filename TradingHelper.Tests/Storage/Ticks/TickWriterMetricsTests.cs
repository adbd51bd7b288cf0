using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;

namespace TradingHelper.Tests.Storage.Ticks;

public sealed class TickWriterMetricsTests
{
    [Fact]
    public void Latencies_are_measured_to_the_commit_and_exchange_latency_only_for_ticks_the_exchange_stamped()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var committedAt = new DateTimeOffset(2026, 11, 24, 4, 0, 5, TimeSpan.Zero);
        var clock = new FakeTimeProvider(committedAt);
        var metrics = new TickWriterMetrics(factory, clock, () => 0, () => 0);
        var recorded = new List<(string Name, double Seconds)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => recorded.Add((instrument.Name, value)));
        listener.Start();
        Tick[] ticks =
        [
            new() { InstrumentId = 1, LastPrice = 24_500m, ExchangeTime = committedAt.AddSeconds(-2), ReceivedAt = committedAt.AddSeconds(-0.5) },
            new() { InstrumentId = 2, LastPrice = 52_100m, ReceivedAt = committedAt.AddSeconds(-0.25) },
        ];

        metrics.Committed(ticks, ticks.Length, clock.GetTimestamp(), replayed: false);

        Assert.Equal([0.5, 0.25], recorded.Where(m => m.Name == TickWriterMetrics.TickLatency).Select(m => m.Seconds));
        Assert.Equal([2.0], recorded.Where(m => m.Name == TickWriterMetrics.ExchangeLatency).Select(m => m.Seconds));
    }
}
