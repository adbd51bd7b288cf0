using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TradingHelper.Core.Commands;

/// <summary>
/// Reads the command stream as one consumer of the Ingestor group: a command is acknowledged only after its handler
/// succeeded, retried after <see cref="CommandStreamOptions.RetryAfter"/> when it failed or its consumer died, and
/// dead-lettered with the reason once it can never succeed or has failed <see cref="CommandStreamOptions.MaxDeliveries"/> times.
/// </summary>
public sealed partial class CommandConsumer : BackgroundService
{
    private const int BatchSize = 16;
    private static readonly TimeSpan LastErrorLifetime = TimeSpan.FromDays(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly Dictionary<string, ICommandHandler> _handlers;
    private readonly CommandStreamOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CommandConsumer> _logger;
    private readonly string _consumerName;

    public CommandConsumer(
        IConnectionMultiplexer redis,
        IEnumerable<ICommandHandler> handlers,
        IOptions<CommandStreamOptions> options,
        TimeProvider timeProvider,
        ILogger<CommandConsumer> logger)
    {
        _redis = redis;
        _handlers = handlers.ToDictionary(handler => handler.Kind, StringComparer.Ordinal);
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _consumerName = _options.ConsumerName ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    }

    private string LastErrorKey => $"{_options.StreamKey}:last-error";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groupReady = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await EnsureGroupAsync();
                    groupReady = true;
                }
                if (await ProcessPendingAsync(stoppingToken) == 0)
                {
                    await Task.Delay(_options.PollInterval, _timeProvider, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Redis restarting, unreachable or slow (RedisTimeoutException is a TimeoutException, not a
                // RedisException): commands wait in the stream, so only the delay matters; the host must not stop.
                LogRedisUnavailable(_logger, exception);
                groupReady = false;
                await Task.Delay(TimeSpan.FromSeconds(1), _timeProvider, stoppingToken);
            }
        }
    }

    /// <summary>Handles whatever is due now: retries first, then new commands. Returns how many entries were handled.</summary>
    public async Task<int> ProcessPendingAsync(CancellationToken cancellationToken)
    {
        var database = _redis.GetDatabase();
        var retry = await database.StreamAutoClaimAsync(
            _options.StreamKey, _options.ConsumerGroup, _consumerName, (long)_options.RetryAfter.TotalMilliseconds, "0-0", BatchSize);
        foreach (var entry in retry.ClaimedEntries)
        {
            await HandleAsync(database, entry, cancellationToken);
        }

        var fresh = await database.StreamReadGroupAsync(_options.StreamKey, _options.ConsumerGroup, _consumerName, StreamPosition.NewMessages, BatchSize);
        foreach (var entry in fresh)
        {
            await HandleAsync(database, entry, cancellationToken);
        }
        return retry.ClaimedEntries.Length + fresh.Length;
    }

    /// <summary>Creates the stream and the consumer group if they do not exist yet.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await _redis.GetDatabase().StreamCreateConsumerGroupAsync(_options.StreamKey, _options.ConsumerGroup, "0-0", createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another Ingestor (or an earlier run) created it: nothing to do.
        }
    }

    private async Task HandleAsync(IDatabase database, StreamEntry entry, CancellationToken cancellationToken)
    {
        var kind = (string?)entry[CommandFields.Kind];
        var payload = (string?)entry[CommandFields.Payload];
        if (kind is null || payload is null)
        {
            await DeadLetterAsync(database, entry, "The entry has no kind or no payload.", deliveries: 1);
            return;
        }
        if (!_handlers.TryGetValue(kind, out var handler))
        {
            await DeadLetterAsync(database, entry, $"No handler for command kind '{kind}'.", deliveries: 1);
            return;
        }

        var deliveries = await DeliveryCountAsync(database, entry.Id);
        if (deliveries > _options.MaxDeliveries)
        {
            var lastError = (string?)await database.HashGetAsync(LastErrorKey, entry.Id);
            await DeadLetterAsync(database, entry, $"Failed {deliveries - 1} times; last error: {lastError ?? "unknown"}", deliveries - 1);
            return;
        }

        using var activity = CommandTelemetry.StartHandle(kind, entry.Id.ToString(), entry[CommandFields.TraceParent]);
        using var working = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keepClaimed = KeepClaimedAsync(database, entry.Id, working.Token);
        try
        {
            await handler.HandleAsync(payload, cancellationToken);
        }
        catch (CommandRejectedException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogRejected(_logger, kind, entry.Id.ToString(), exception.Message);
            await DeadLetterAsync(database, entry, exception.Message, deliveries);
            return;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Left unacknowledged on purpose: XAUTOCLAIM hands it out again after RetryAfter.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            LogFailed(_logger, exception, kind, entry.Id.ToString(), deliveries, _options.MaxDeliveries);
            await database.HashSetAsync(LastErrorKey, entry.Id, exception.Message);
            await database.KeyExpireAsync(LastErrorKey, LastErrorLifetime);
            return;
        }
        finally
        {
            await working.CancelAsync();
            await keepClaimed;
        }

        await AcknowledgeAsync(database, entry.Id);
        LogHandled(_logger, kind, entry.Id.ToString());
    }

    /// <summary>
    /// Re-claims a command while its handler runs (an instrument sync can outlast <see cref="CommandStreamOptions.RetryAfter"/>),
    /// so another Ingestor's XAUTOCLAIM does not start it a second time or dead-letter it mid-run.
    /// </summary>
    private async Task KeepClaimedAsync(IDatabase database, RedisValue id, CancellationToken working)
    {
        var period = _options.RetryAfter / 3;
        while (true)
        {
            try
            {
                await Task.Delay(period, _timeProvider, working);
                await database.StreamClaimIdsOnlyAsync(_options.StreamKey, _options.ConsumerGroup, _consumerName, 0, [id]);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogRedisUnavailable(_logger, exception);
            }
        }
    }

    private async Task<int> DeliveryCountAsync(IDatabase database, RedisValue id)
    {
        var pending = await database.StreamPendingMessagesAsync(_options.StreamKey, _options.ConsumerGroup, 1, RedisValue.Null, id, id);
        return pending.Length == 0 ? 1 : pending[0].DeliveryCount;
    }

    private async Task DeadLetterAsync(IDatabase database, StreamEntry entry, string reason, int deliveries)
    {
        var kind = (string?)entry[CommandFields.Kind] ?? "";
        NameValueEntry[] fields =
        [
            new(CommandFields.OriginalId, entry.Id),
            new(CommandFields.Kind, kind),
            // A session command carries an access token; the dead-letter stream keeps only that it failed.
            new(CommandFields.Payload, kind == CommandKind.BrokerSession ? "(redacted)" : entry[CommandFields.Payload]),
            new(CommandFields.Reason, reason),
            new(CommandFields.Deliveries, deliveries),
            new(CommandFields.FailedAt, _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)),
        ];
        await database.StreamAddAsync(_options.DeadLetterStreamKey, fields, maxLength: _options.MaxLength, useApproximateMaxLength: true);
        await AcknowledgeAsync(database, entry.Id);
        LogDeadLettered(_logger, kind, entry.Id.ToString(), reason);
    }

    private async Task AcknowledgeAsync(IDatabase database, RedisValue id)
    {
        await database.StreamAcknowledgeAsync(_options.StreamKey, _options.ConsumerGroup, id);
        // Done commands are deleted, not left for trimming: a session command must not linger with its token.
        await database.StreamDeleteAsync(_options.StreamKey, [id]);
        await database.HashDeleteAsync(LastErrorKey, id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Kind} {CommandId} handled")]
    private static partial void LogHandled(ILogger logger, string kind, string commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {Kind} {CommandId} failed on delivery {Delivery} of {MaxDeliveries}; it will be retried")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind, string commandId, int delivery, int maxDeliveries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {Kind} {CommandId} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string kind, string commandId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {Kind} {CommandId} dead-lettered: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string kind, string commandId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable; commands wait in the stream until it returns")]
    private static partial void LogRedisUnavailable(ILogger logger, Exception exception);
}
