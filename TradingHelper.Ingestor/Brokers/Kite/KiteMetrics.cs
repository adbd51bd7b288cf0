using System.Diagnostics.Metrics;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Broker REST instruments under the <c>TradingHelper.Brokers</c> meter.</summary>
public sealed class KiteMetrics
{
    public const string MeterName = "TradingHelper.Brokers";

    private readonly Counter<long> _historyRequests;

    public KiteMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _historyRequests = meter.CreateCounter<long>(
            "tradinghelper.broker.history.requests", "{request}", "Historical-candle requests sent to the broker, by outcome.");
    }

    /// <summary>Counts one history request; <paramref name="status"/> is ok, 429, token_error, input_error or error.</summary>
    public void HistoryRequest(string status) =>
        _historyRequests.Add(1, new KeyValuePair<string, object?>("broker", "kite"), new KeyValuePair<string, object?>("status", status));
}
