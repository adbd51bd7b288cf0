using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Commands;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Commands;

public sealed class CommandStreamTests(TestServers servers) : IAsyncLifetime
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(100);
    private readonly CommandStreamOptions _options = new()
    {
        StreamKey = $"test:commands:{Guid.NewGuid():N}",
        DeadLetterStreamKey = $"test:dead:{Guid.NewGuid():N}",
        MaxDeliveries = 3,
        RetryAfter = RetryAfter,
    };
    private ConnectionMultiplexer _redis = null!;

    private IDatabase Database => _redis.GetDatabase();

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.CreateDatabase());

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_published_command_is_handled_once_and_then_removed()
    {
        var handler = new RecordingHandler();
        var consumer = Consumer("ingestor-a", handler);
        await CreateGroupAsync(consumer);

        await Publisher().PublishAsync(CommandKind.SyncSubscriptions, new { InstrumentIds = new[] { 256265, 260105 } }, TestContext.Current.CancellationToken);
        await consumer.ProcessPendingAsync(TestContext.Current.CancellationToken);
        await consumer.ProcessPendingAsync(TestContext.Current.CancellationToken);

        var payload = Assert.Single(handler.Payloads);
        Assert.Contains("256265", payload, StringComparison.Ordinal);
        Assert.Equal(0, await Database.StreamLengthAsync(_options.StreamKey));
        Assert.Equal(0, (await Database.StreamPendingAsync(_options.StreamKey, _options.ConsumerGroup)).PendingMessageCount);
    }

    [Fact]
    public async Task The_handler_runs_in_the_trace_of_the_request_that_published_the_command()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == CommandTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var handler = new RecordingHandler();
        var consumer = Consumer("ingestor-a", handler);
        await CreateGroupAsync(consumer);

        ActivityTraceId requestTrace;
        using (var request = new Activity("POST /api/instruments/subscribe").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            requestTrace = request.TraceId;
            await Publisher().PublishAsync(CommandKind.SyncSubscriptions, new { }, TestContext.Current.CancellationToken);
        }
        Assert.Null(Activity.Current);
        await consumer.ProcessPendingAsync(TestContext.Current.CancellationToken);

        Assert.Single(handler.Payloads);
        Assert.Equal(requestTrace, handler.TraceIds.Single());
    }

    [Fact]
    public async Task A_failing_command_is_retried_then_dead_lettered_with_the_last_error()
    {
        var handler = new RecordingHandler { FailWith = new TimeoutException("broker history timed out") };
        var consumer = Consumer("ingestor-a", handler);
        await CreateGroupAsync(consumer);
        await Publisher().PublishAsync(CommandKind.SyncSubscriptions, new { }, TestContext.Current.CancellationToken);

        for (var round = 0; round < _options.MaxDeliveries + 2; round++)
        {
            await consumer.ProcessPendingAsync(TestContext.Current.CancellationToken);
            await Task.Delay(RetryAfter * 2, TestContext.Current.CancellationToken);
        }

        Assert.Equal(_options.MaxDeliveries, handler.Payloads.Count);
        var dead = Assert.Single(await Database.StreamRangeAsync(_options.DeadLetterStreamKey));
        Assert.Contains("broker history timed out", (string?)dead["reason"], StringComparison.Ordinal);
        Assert.Equal(_options.MaxDeliveries, (int)dead["deliveries"]);
        Assert.Equal(0, await Database.StreamLengthAsync(_options.StreamKey));
    }

    [Fact]
    public async Task An_unknown_or_rejected_command_is_dead_lettered_at_once_with_its_reason()
    {
        var handler = new RecordingHandler { FailWith = new CommandRejectedException("Instrument 42 does not exist.") };
        var consumer = Consumer("ingestor-a", handler);
        await CreateGroupAsync(consumer);
        await Publisher().PublishAsync("orders.place", new { }, TestContext.Current.CancellationToken);
        await Publisher().PublishAsync(CommandKind.SyncSubscriptions, new { }, TestContext.Current.CancellationToken);

        await consumer.ProcessPendingAsync(TestContext.Current.CancellationToken);

        var reasons = (await Database.StreamRangeAsync(_options.DeadLetterStreamKey)).Select(entry => (string?)entry["reason"]).ToList();
        Assert.Equal(["No handler for command kind 'orders.place'.", "Instrument 42 does not exist."], reasons);
        Assert.Single(handler.Payloads);
    }

    [Fact]
    public async Task A_command_taken_by_a_consumer_that_died_is_handled_by_another()
    {
        var dead = Consumer("ingestor-dead", new RecordingHandler());
        var survivor = new RecordingHandler(CommandKind.Backfill);
        await CreateGroupAsync(dead);
        await Publisher().PublishAsync(CommandKind.Backfill, new { JobId = Guid.NewGuid() }, TestContext.Current.CancellationToken);
        // Delivered to a consumer that crashed before handling it: pending, never acknowledged.
        await Database.StreamReadGroupAsync(_options.StreamKey, _options.ConsumerGroup, "ingestor-dead", StreamPosition.NewMessages, 10);

        await Task.Delay(RetryAfter * 2, TestContext.Current.CancellationToken);
        await Consumer("ingestor-b", survivor).ProcessPendingAsync(TestContext.Current.CancellationToken);

        Assert.Single(survivor.Payloads);
        Assert.Equal(0, (await Database.StreamPendingAsync(_options.StreamKey, _options.ConsumerGroup)).PendingMessageCount);
    }

    [Fact]
    public async Task A_command_still_running_past_the_retry_time_is_not_taken_by_another_consumer()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new RecordingHandler(CommandKind.SyncInstruments) { WaitFor = release.Task };
        var other = new RecordingHandler(CommandKind.SyncInstruments);
        // Long enough that only a stall of a whole second in the keep-alive (every third of it) would let another take it.
        var retryAfter = TimeSpan.FromMilliseconds(1_500);
        var first = Consumer("ingestor-a", slow, retryAfter);
        await CreateGroupAsync(first);
        await Publisher().PublishAsync(CommandKind.SyncInstruments, new { JobId = Guid.NewGuid() }, TestContext.Current.CancellationToken);

        var running = first.ProcessPendingAsync(TestContext.Current.CancellationToken);
        for (var round = 0; round < 3; round++)
        {
            await Task.Delay(retryAfter, TestContext.Current.CancellationToken);
            await Consumer("ingestor-b", other, retryAfter).ProcessPendingAsync(TestContext.Current.CancellationToken);
        }
        release.SetResult();
        await running;

        Assert.Single(slow.Payloads);
        Assert.Empty(other.Payloads);
        Assert.Empty(await Database.StreamRangeAsync(_options.DeadLetterStreamKey));
        Assert.Equal(0, await Database.StreamLengthAsync(_options.StreamKey));
    }

    [Fact]
    public async Task A_dead_lettered_session_command_does_not_keep_the_access_token()
    {
        var consumer = Consumer("ingestor-a", new RecordingHandler(CommandKind.BrokerSession) { FailWith = new CommandRejectedException("Token already expired.") });
        await CreateGroupAsync(consumer);
        await Publisher().PublishAsync(CommandKind.BrokerSession, new { AccessToken = "secret-access-token" }, TestContext.Current.CancellationToken);

        await consumer.ProcessPendingAsync(TestContext.Current.CancellationToken);

        var dead = Assert.Single(await Database.StreamRangeAsync(_options.DeadLetterStreamKey));
        Assert.DoesNotContain("secret-access-token", string.Join(' ', dead.Values.Select(field => field.Value.ToString())), StringComparison.Ordinal);
        Assert.Equal(0, await Database.StreamLengthAsync(_options.StreamKey));
    }

    private CommandPublisher Publisher() => new(_redis, Options.Create(_options), TimeProvider.System);

    private CommandConsumer Consumer(string name, RecordingHandler handler, TimeSpan? retryAfter = null)
    {
        var options = new CommandStreamOptions
        {
            StreamKey = _options.StreamKey,
            DeadLetterStreamKey = _options.DeadLetterStreamKey,
            MaxDeliveries = _options.MaxDeliveries,
            RetryAfter = retryAfter ?? _options.RetryAfter,
            ConsumerName = name,
        };
        return new CommandConsumer(_redis, [handler], Options.Create(options), TimeProvider.System, NullLogger<CommandConsumer>.Instance);
    }

    private async Task CreateGroupAsync(CommandConsumer consumer)
    {
        await consumer.EnsureGroupAsync();
        Assert.True(await Database.KeyExistsAsync(_options.StreamKey));
    }

    private sealed class RecordingHandler(string kind = CommandKind.SyncSubscriptions) : ICommandHandler
    {
        public List<string> Payloads { get; } = [];

        public List<ActivityTraceId?> TraceIds { get; } = [];

        public Exception? FailWith { get; init; }

        public Task WaitFor { get; init; } = Task.CompletedTask;

        public string Kind => kind;

        public async Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
        {
            Payloads.Add(payloadJson);
            TraceIds.Add(Activity.Current?.TraceId);
            await WaitFor.WaitAsync(cancellationToken);
            if (FailWith is not null)
            {
                throw FailWith;
            }
        }
    }
}
