using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TradingHelper.Tests.Api;

/// <summary>A test client of <c>/api/ws/ticks</c> that remembers the latest price it saw per instrument.</summary>
public sealed class TickSocket(WebSocket socket) : IDisposable
{
    public WebSocket Socket { get; } = socket;

    public Dictionary<int, decimal> LatestLtp { get; } = [];

    /// <summary>Every tick received, in order, as (token, ltp).</summary>
    public List<(int Token, decimal Ltp)> Ticks { get; } = [];

    public Task SendAsync(string text, CancellationToken cancellationToken) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Receives the next message, recording the ticks it carries.</summary>
    public async Task<JsonElement> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await Socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The server closed the socket: {result.CloseStatus} {result.CloseStatusDescription}");
            }
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        var root = JsonDocument.Parse(message.ToArray()).RootElement;
        if (root.GetProperty("type").GetString() == "ticks")
        {
            foreach (var tick in root.GetProperty("ticks").EnumerateArray())
            {
                var token = tick.GetProperty("token").GetInt32();
                var ltp = tick.GetProperty("ltp").GetDecimal();
                LatestLtp[token] = ltp;
                Ticks.Add((token, ltp));
            }
        }
        return root;
    }

    /// <summary>Receives until a message of <paramref name="type"/> arrives and returns it.</summary>
    public async Task<JsonElement> ReceiveUntilAsync(string type, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            if (message.GetProperty("type").GetString() == type)
            {
                return message;
            }
        }
    }

    /// <summary>Receives until every token's latest price is the expected one.</summary>
    public async Task ReceiveUntilLatestAsync(IReadOnlyDictionary<int, decimal> expected, CancellationToken cancellationToken)
    {
        while (!expected.All(pair => LatestLtp.TryGetValue(pair.Key, out var ltp) && ltp == pair.Value))
        {
            await ReceiveAsync(cancellationToken);
        }
    }

    public async Task SubscribeAsync(int[] tokens, CancellationToken cancellationToken)
    {
        await SendAsync(JsonSerializer.Serialize(new { action = "subscribe", tokens }), cancellationToken);
        await ReceiveUntilAsync("subscribed", cancellationToken);
    }

    public void Dispose() => Socket.Dispose();
}
