using System.Diagnostics.Metrics;

namespace TradingHelper.Api.Streaming;

/// <summary>Meters of the live tick WebSocket, under the <c>TradingHelper.Api</c> meter.</summary>
internal sealed class TickStreamMetrics
{
    public const string MeterName = "TradingHelper.Api";

    public TickStreamMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Clients = meter.CreateUpDownCounter<long>("tradinghelper.websocket.clients", "{client}", "Connected live tick WebSocket clients.");
        TicksSent = meter.CreateCounter<long>("tradinghelper.websocket.ticks_sent", "{tick}", "Ticks sent to WebSocket clients.");
        TicksConflated = meter.CreateCounter<long>(
            "tradinghelper.websocket.ticks_conflated", "{tick}", "Ticks replaced by a newer tick of the same instrument before a slow client could take them.");
    }

    public UpDownCounter<long> Clients { get; }

    public Counter<long> TicksSent { get; }

    public Counter<long> TicksConflated { get; }
}
