using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using System.Diagnostics.CodeAnalysis;

namespace TradingHelper.Core.Commands;

/// <summary>Sends commands to the Ingestor through a Redis stream, durable until a consumer acknowledges them.</summary>
public sealed class CommandPublisher(IConnectionMultiplexer redis, IOptions<CommandStreamOptions> options, TimeProvider timeProvider)
{
    /// <summary>Appends a command and returns its stream id.</summary>
    /// <remarks>Serializes <typeparamref name="TPayload"/> by reflection: the Api publishes, and it runs on the JIT.</remarks>
    [RequiresUnreferencedCode("Serializes the payload by reflection.")]
    [RequiresDynamicCode("Serializes the payload by reflection.")]
    public async Task<string> PublishAsync<TPayload>(string kind, TPayload payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = options.Value;
        using var activity = CommandTelemetry.StartPublish(kind);
        NameValueEntry[] fields =
        [
            new(CommandFields.Kind, kind),
            new(CommandFields.Payload, JsonSerializer.Serialize(payload, CommandJson.Options)),
            new(CommandFields.PublishedAt, timeProvider.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            new(CommandFields.TraceParent, Activity.Current?.Id ?? ""),
        ];
        var id = await redis.GetDatabase().StreamAddAsync(
            settings.StreamKey, fields, maxLength: settings.MaxLength, useApproximateMaxLength: true);
        activity?.SetTag("messaging.message.id", id.ToString());
        return id.ToString();
    }
}
