using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using TradingHelper.Core.Commands;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Commands;

[Collection(FaultTests.Name)]
public sealed class CommandConsumerFaultTests(TestServers servers)
{
    [Fact]
    public async Task A_redis_that_stops_answering_times_out_without_stopping_the_Ingestor_and_commands_flow_after()
    {
        Assert.SkipUnless(servers.Redis.IsOwned, "The Redis server is external; this test must freeze it.");
        var ct = TestContext.Current.CancellationToken;
        // Short timeouts so the frozen server surfaces as RedisTimeoutException, which is a TimeoutException. On a
        // loaded machine they also fire after the freeze, and a read whose answer timed out has still delivered the
        // command: it comes back by XAUTOCLAIM after RetryAfter, so that is short and deliveries are not counted out.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis.CreateDatabase() + ",asyncTimeout=1000,syncTimeout=1000");
        var handled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Commands:StreamKey"] = $"test:commands:{Guid.NewGuid():N}";
        builder.Configuration["Commands:PollInterval"] = "00:00:00.050";
        builder.Configuration["Commands:RetryAfter"] = "00:00:02";
        builder.Configuration["Commands:MaxDeliveries"] = "100";
        builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
        builder.Services.AddSingleton<ICommandHandler>(new SignallingHandler(handled));
        builder.Services.AddCommandConsumer();
        builder.Services.AddCommandPublisher();
        using var host = builder.Build();
        await host.StartAsync(ct);
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        await servers.Redis.PauseAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
        }
        finally
        {
            await servers.Redis.ResumeAsync();
        }
        await host.Services.GetRequiredService<CommandPublisher>().PublishAsync(CommandKind.SyncSubscriptions, new { After = "the freeze" }, ct);

        // A hang guard, not a timed assertion.
        var payload = await handled.Task.WaitAsync(TimeSpan.FromSeconds(120), ct);
        Assert.Contains("the freeze", payload, StringComparison.Ordinal);
        Assert.False(stopping.IsCancellationRequested, "a Redis timeout stopped the host");
        await host.StopAsync(ct);
    }

    private sealed class SignallingHandler(TaskCompletionSource<string> handled) : ICommandHandler
    {
        public string Kind => CommandKind.SyncSubscriptions;

        public Task HandleAsync(string payloadJson, CancellationToken cancellationToken)
        {
            handled.TrySetResult(payloadJson);
            return Task.CompletedTask;
        }
    }
}
