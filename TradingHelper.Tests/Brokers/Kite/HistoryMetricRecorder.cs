using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Tests.Brokers.Kite;

/// <summary>Records the <c>status</c> of every history-request measurement made through one meter factory.</summary>
public sealed class HistoryMetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _statuses = new();

    public HistoryMetricRecorder(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == KiteMetrics.MeterName
                && instrument.Name == "tradinghelper.broker.history.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? status = null, broker = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "status")
                {
                    status = tag.Value as string;
                }
                else if (tag.Key == "broker")
                {
                    broker = tag.Value as string;
                }
            }
            _statuses.Enqueue($"{broker}:{status}");
        });
        _listener.Start();
    }

    public IReadOnlyList<string> Statuses => [.. _statuses];

    public void Dispose() => _listener.Dispose();
}
