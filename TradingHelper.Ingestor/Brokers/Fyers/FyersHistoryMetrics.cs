using System.Diagnostics.Metrics;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>The Fyers history budget under the <c>TradingHelper.Brokers</c> meter, as the limiter last read it.</summary>
public sealed class FyersHistoryMetrics
{
    private readonly Counter<long> _completionsLost;
    private readonly Counter<long> _retries;
    private FyersHistoryBudget? _budget;

    public FyersHistoryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(KiteMetrics.MeterName);
        meter.CreateObservableGauge("tradinghelper.broker.history.budget.remaining", Measurements, "{request}",
            "History requests the broker would still take now, per window (second, minute, day).");
        _completionsLost = meter.CreateCounter<long>("tradinghelper.broker.history.completions.lost", "{request}",
            "Answered history requests whose slot could not be freed early (Redis unreachable); they free it a request timeout later.");
        _retries = meter.CreateCounter<long>("tradinghelper.broker.history.retries", "{request}",
            "History requests the broker answered 429 and that were tried again after the retry delay.");
    }

    /// <summary>The budget last read from Redis; null before the first read.</summary>
    public FyersHistoryBudget? Budget => Volatile.Read(ref _budget);

    public void Observe(FyersHistoryBudget budget) => Volatile.Write(ref _budget, budget);

    public void CompletionLost() => _completionsLost.Add(1, new KeyValuePair<string, object?>("broker", FyersFeed.BrokerName));

    public void Retried() => _retries.Add(1, new KeyValuePair<string, object?>("broker", FyersFeed.BrokerName));

    private IEnumerable<Measurement<long>> Measurements()
    {
        if (Budget is not { } budget)
        {
            yield break;
        }
        yield return Measure(budget.Second, "second");
        yield return Measure(budget.Minute, "minute");
        yield return Measure(budget.Day, "day");
    }

    private static Measurement<long> Measure(long value, string window) =>
        new(value, new KeyValuePair<string, object?>("broker", FyersFeed.BrokerName), new KeyValuePair<string, object?>("window", window));
}
