using System.Text.Json;

namespace TradingHelper.Api.Streaming;

/// <summary>Reads a client's <c>{"action":"subscribe"|"unsubscribe","tokens":[...]}</c> message, or says what is wrong with it.</summary>
internal static class ClientMessage
{
    public const string Subscribe = "subscribe";
    public const string Unsubscribe = "unsubscribe";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    public static (string? Action, int[] Tokens, string? Error) Parse(ReadOnlySpan<byte> json, int maxTokens)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), DocumentOptions);
        }
        catch (JsonException)
        {
            return Fail("The message is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail("The message must be a JSON object with 'action' and 'tokens'.");
            }
            var action = root.TryGetProperty("action", out var actionElement) && actionElement.ValueKind == JsonValueKind.String
                ? actionElement.GetString()
                : null;
            if (action is not (Subscribe or Unsubscribe))
            {
                return Fail("'action' must be \"subscribe\" or \"unsubscribe\".");
            }
            if (!root.TryGetProperty("tokens", out var tokensElement) || tokensElement.ValueKind != JsonValueKind.Array)
            {
                return Fail("'tokens' must be an array of instrument ids.");
            }
            var count = tokensElement.GetArrayLength();
            if (count > maxTokens)
            {
                return Fail($"At most {maxTokens} tokens per message.");
            }
            var tokens = new int[count];
            var i = 0;
            foreach (var element in tokensElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out var token) || token <= 0)
                {
                    return Fail("'tokens' must hold positive integer instrument ids.");
                }
                tokens[i++] = token;
            }
            return (action, tokens, null);
        }
    }

    private static (string?, int[], string?) Fail(string error) => (null, [], error);
}
