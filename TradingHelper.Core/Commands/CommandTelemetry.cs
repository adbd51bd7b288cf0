using System.Diagnostics;

namespace TradingHelper.Core.Commands;

/// <summary>
/// Traces a command from the Api's request to the Ingestor's handler: the W3C trace context travels in the stream
/// entry, so one trace shows subscribe → command → broker subscribe across both services.
/// </summary>
public static class CommandTelemetry
{
    public const string ActivitySourceName = "TradingHelper.Commands";

    internal static readonly ActivitySource Source = new(ActivitySourceName);

    internal static Activity? StartPublish(string kind)
    {
        var activity = Source.StartActivity($"publish {kind}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("tradinghelper.command.kind", kind);
        return activity;
    }

    internal static Activity? StartHandle(string kind, string id, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity($"handle {kind}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.message.id", id);
        activity?.SetTag("tradinghelper.command.kind", kind);
        return activity;
    }
}
