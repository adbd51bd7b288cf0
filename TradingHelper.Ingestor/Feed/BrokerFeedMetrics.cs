using System.Diagnostics.Metrics;

namespace TradingHelper.Ingestor.Feed;

/// <summary>The broker feed's instruments on the <c>TradingHelper.Brokers</c> meter, tagged with broker and connection.</summary>
public sealed class BrokerFeedMetrics
{
    public const string MeterName = "TradingHelper.Brokers";

    private readonly Lock _gate = new();
    private readonly List<Func<Measurement<int>?>> _states = [];

    public BrokerFeedMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        TicksReceived = meter.CreateCounter<long>("tradinghelper.broker.ticks.received", "{tick}", "Ticks decoded from the broker feed");
        FramesBad = meter.CreateCounter<long>("tradinghelper.broker.frames.bad", "{packet}", "Packets and frames skipped because they could not be decoded");
        Reconnects = meter.CreateCounter<long>("tradinghelper.broker.reconnects", "{attempt}", "Reconnect attempts after a broker socket dropped");
        FeedGaps = meter.CreateCounter<long>("tradinghelper.feed.gaps", "{gap}", "Feed gaps recorded: a connection with subscriptions went down");
        meter.CreateObservableGauge("tradinghelper.broker.connection.state", ObserveStates, null, "1 while a needed broker connection is up, 0 while it is not");
    }

    public Counter<long> TicksReceived { get; }

    public Counter<long> FramesBad { get; }

    public Counter<long> Reconnects { get; }

    public Counter<long> FeedGaps { get; }

    /// <summary>
    /// Starts a connection's event counters at zero. A counter series otherwise appears with its first event, and
    /// Prometheus's increase() cannot count that first event, so the first gap after a start would read as none.
    /// </summary>
    public void StartCounting(KeyValuePair<string, object?> broker, KeyValuePair<string, object?> connection)
    {
        FramesBad.Add(0, broker, connection);
        Reconnects.Add(0, broker, connection);
        FeedGaps.Add(0, broker, connection);
    }

    /// <summary>Adds a connection to the state gauge; the callback returns null while the connection is not needed.</summary>
    public void TrackState(Func<Measurement<int>?> state)
    {
        lock (_gate)
        {
            _states.Add(state);
        }
    }

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        List<Measurement<int>> measurements = [];
        lock (_gate)
        {
            foreach (var state in _states)
            {
                if (state() is { } measurement)
                {
                    measurements.Add(measurement);
                }
            }
        }
        return measurements;
    }
}
