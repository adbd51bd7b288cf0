using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Ingestor.Brokers;
using TradingHelper.Ingestor.Commands;

namespace TradingHelper.Ingestor.Feed;

/// <summary>
/// Writes the broker feed's state, the reason from its health check and the time of the last tick to Redis every
/// <see cref="FeedReportOptions.Interval"/>, with a lifetime of a few periods: the Api tells the chart why prices stand
/// still, and a report that stops coming means no Ingestor is there. A clean stop removes the report at once.
/// </summary>
public sealed partial class FeedReporter(
    IFeedCondition feed,
    LiveTickRelay ticks,
    IConnectionMultiplexer redis,
    IOptions<BrokerOptions> broker,
    IOptions<FeedReportOptions> options,
    TimeProvider time,
    ILogger<FeedReporter> logger) : BackgroundService
{
    private bool _failing;

    private string Key => FeedReportKeys.Report(broker.Value.Kind);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            await ReportAsync(interval * FeedReportKeys.MissedReportsBeforeExpiry);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(Key);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The report expires by itself a few periods later.
            LogReportFailed(logger, exception);
        }
    }

    private async Task ReportAsync(TimeSpan lifetime)
    {
        var condition = feed.Assess();
        var report = new FeedReport(broker.Value.Kind, condition.State, condition.Description, ticks.LastTickAt, time.GetUtcNow());
        try
        {
            await redis.GetDatabase().StringSetAsync(Key, JsonSerializer.Serialize(report, IngestorJsonContext.Default.FeedReport), lifetime);
            _failing = false;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Logged once per outage: the next period tries again, and the Api says no Ingestor meanwhile.
            if (!_failing)
            {
                _failing = true;
                LogReportFailed(logger, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the feed report to Redis failed; the Api says no Ingestor is there until it works again")]
    private static partial void LogReportFailed(ILogger logger, Exception exception);
}
