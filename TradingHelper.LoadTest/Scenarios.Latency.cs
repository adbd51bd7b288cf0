using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace TradingHelper.LoadTest;

internal static partial class Scenarios
{
    /// <summary>
    /// Tick → browser latency: WebSocket clients on the Api compare each tick's arrival with the time it carries.
    /// Instruments are subscribed in quote mode, which has no exchange timestamp, so a live tick's <c>time</c> is the
    /// Ingestor's receive stamp (full precision) — the same machine clock as the clients', so the difference is
    /// Ingestor → Redis → Api → client. Full mode would carry Kite's whole-second exchange time instead.
    /// </summary>
    public static async Task<string> LatencyAsync(Options options, CancellationToken cancellationToken)
    {
        await using var stack = await StartAndSubscribeAsync(options, cancellationToken);
        var ids = await stack.InstrumentIdsAsync(options.Instruments, cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = Enumerable.Range(0, options.Clients).Select(_ => new TickClient()).ToArray();
        var wsUri = new Uri($"ws://{stack.ApiUrl.Authority}/api/ws/ticks");
        var running = clients.Select(client => client.RunAsync(wsUri, ids, stop.Token)).ToArray();
        try
        {
            // The warm-up also lets the clients' initial latest-quote snapshots (old ticks) pass unrecorded.
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(options.Warmup, 2)), cancellationToken);
            if (clients.Any(client => !client.Subscribed))
            {
                throw new InvalidOperationException($"{clients.Count(c => !c.Subscribed)} WebSocket clients were not subscribed after the warm-up.");
            }
            foreach (var client in clients)
            {
                client.Recording = true;
            }
            var report = new StringBuilder();
            await MeasureWindowAsync(stack, options, report, cancellationToken);
            foreach (var client in clients)
            {
                client.Recording = false;
            }
            var all = new LatencyHistogram();
            foreach (var client in clients)
            {
                lock (client.Histogram)
                {
                    all.Add(client.Histogram);
                }
            }
            var perClient = clients.Select(c => c.Histogram.Count).ToArray();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"tick→browser latency, {options.Clients} WebSocket clients × {ids.Length} instruments, {all.Count:N0} ticks received ({all.Count / (double)options.Duration:N0}/s in all, per client min {perClient.DefaultIfEmpty().Min():N0} max {perClient.DefaultIfEmpty().Max():N0}):");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"  p50 {all.Quantile(0.5) * 1000:F1} ms, p99 {all.Quantile(0.99) * 1000:F1} ms, p99.9 {all.Quantile(0.999) * 1000:F1} ms, max {all.Max * 1000:F1} ms");
            return report.ToString();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(running);
        }
    }

    /// <summary>One browser stand-in: subscribes to every instrument and records, per tick, arrival − tick time.</summary>
    private sealed class TickClient
    {
        private static readonly byte[] TimeProperty = "time"u8.ToArray();

        public LatencyHistogram Histogram { get; } = new();

        public volatile bool Recording;

        public volatile bool Subscribed;

        public async Task RunAsync(Uri uri, int[] ids, CancellationToken cancellationToken)
        {
            using var socket = new ClientWebSocket();
            try
            {
                await socket.ConnectAsync(uri, cancellationToken);
                foreach (var chunk in ids.Chunk(1000))
                {
                    var subscribe = JsonSerializer.SerializeToUtf8Bytes(new { action = "subscribe", tokens = chunk });
                    await socket.SendAsync(subscribe, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
                var buffer = new byte[1 << 16];
                var message = new MemoryStream();
                while (!cancellationToken.IsCancellationRequested)
                {
                    var result = await socket.ReceiveAsync(buffer, cancellationToken);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }
                    message.Write(buffer, 0, result.Count);
                    if (!result.EndOfMessage)
                    {
                        continue;
                    }
                    // The arrival time is taken before parsing, so the client's own JSON work does not count as latency.
                    var arrived = DateTimeOffset.UtcNow;
                    Handle(message.GetBuffer().AsSpan(0, (int)message.Length), arrived);
                    message.SetLength(0);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The window is over.
            }
            catch (WebSocketException) when (cancellationToken.IsCancellationRequested)
            {
                // The Api went away as the run ended.
            }
        }

        private void Handle(ReadOnlySpan<byte> json, DateTimeOffset arrived)
        {
            var reader = new Utf8JsonReader(json);
            var recording = Recording;
            lock (Histogram)
            {
                while (reader.Read())
                {
                    if (reader.TokenType != JsonTokenType.PropertyName)
                    {
                        continue;
                    }
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        if (reader.ValueTextEquals("subscribed"u8))
                        {
                            Subscribed = true;
                        }
                    }
                    else if (reader.ValueTextEquals(TimeProperty) && recording)
                    {
                        reader.Read();
                        if (reader.TryGetDateTimeOffset(out var time))
                        {
                            Histogram.Record((arrived - time).TotalSeconds);
                        }
                    }
                }
            }
        }
    }
}
