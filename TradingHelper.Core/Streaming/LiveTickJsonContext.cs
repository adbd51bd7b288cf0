using System.Text.Json;
using System.Text.Json.Serialization;

namespace TradingHelper.Core.Streaming;

/// <summary>Source-generated camelCase JSON for live ticks, so the hot path never reflects.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LiveTick))]
public sealed partial class LiveTickJsonContext : JsonSerializerContext;
