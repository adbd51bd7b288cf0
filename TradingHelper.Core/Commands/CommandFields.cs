namespace TradingHelper.Core.Commands;

/// <summary>Field names of a command stream entry and of its dead-letter copy.</summary>
internal static class CommandFields
{
    public const string Kind = "kind";
    public const string Payload = "payload";
    public const string PublishedAt = "published_at";
    public const string TraceParent = "traceparent";
    public const string OriginalId = "original_id";
    public const string Reason = "reason";
    public const string Deliveries = "deliveries";
    public const string FailedAt = "failed_at";
}
