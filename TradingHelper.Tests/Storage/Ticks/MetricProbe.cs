using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>Sums the counters of the meters one <see cref="IMeterFactory"/> created, so parallel tests never see each other's.</summary>
internal sealed class MetricProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public MetricProbe(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            foreach (var tag in tags)
            {
                _sums.AddOrUpdate($"{instrument.Name}|{tag.Value}", value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of a counter, optionally only of the measurements with a tag of the given value.</summary>
    public long Sum(string instrument, string? tagValue = null) =>
        _sums.TryGetValue(tagValue is null ? instrument : $"{instrument}|{tagValue}", out var sum) ? sum : 0;

    public void Dispose() => _listener.Dispose();
}
