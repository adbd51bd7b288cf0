using System.Text.Json;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Tests.Configuration;

/// <summary>
/// The Api reads and writes the command stream's JSON by reflection (<see cref="CommandJson.Options"/>); the Ingestor,
/// built for Native AOT, by generated code (<see cref="IngestorJsonContext"/>). Both ends must produce the same text.
/// </summary>
public sealed class IngestorJsonContractTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 9, 15, 0, TimeSpan.Zero);

    [Fact]
    public void The_feed_report_reads_the_same_at_both_ends()
    {
        var report = new FeedReport("kite", FeedState.Disconnected, "socket 2 reconnecting", At, At.AddSeconds(5));

        var generated = JsonSerializer.Serialize(report, IngestorJsonContext.Default.FeedReport);

        Assert.Equal(JsonSerializer.Serialize(report, CommandJson.Options), generated);
        Assert.Contains("\"state\":\"disconnected\"", generated, StringComparison.Ordinal);
        Assert.Equal(report, JsonSerializer.Deserialize<FeedReport>(generated, CommandJson.Options));
    }

    [Fact]
    public void Session_status_and_result_read_the_same_at_both_ends()
    {
        var status = new BrokerSessionStatus(true, At.AddHours(20), null, At);
        var result = new BrokerSessionResult(false, null, "request token already used", true);

        Assert.Equal(JsonSerializer.Serialize(status, CommandJson.Options), JsonSerializer.Serialize(status, IngestorJsonContext.Default.BrokerSessionStatus));
        Assert.Equal(JsonSerializer.Serialize(result, CommandJson.Options), JsonSerializer.Serialize(result, IngestorJsonContext.Default.BrokerSessionResult));
    }

    [Fact]
    public void A_login_command_the_Api_publishes_is_read_by_the_Ingestor()
    {
        var sent = new BrokerSessionCommand("request-token-1", "correlation-7", "fyers");

        var received = JsonSerializer.Deserialize(JsonSerializer.Serialize(sent, CommandJson.Options), IngestorJsonContext.Default.BrokerSessionCommand);

        Assert.Equal(sent, received);
    }
}
