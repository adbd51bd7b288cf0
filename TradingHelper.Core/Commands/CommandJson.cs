using System.Text.Json;

namespace TradingHelper.Core.Commands;

/// <summary>The one JSON shape both ends of the command stream agree on.</summary>
public static class CommandJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
