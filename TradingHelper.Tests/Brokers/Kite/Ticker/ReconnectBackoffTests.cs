using Microsoft.Extensions.Time.Testing;
using TradingHelper.Ingestor.Feed;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Healthy = TimeSpan.FromSeconds(30);

    [Fact]
    public void Ceiling_doubles_from_the_initial_delay_up_to_the_maximum()
    {
        var backoff = new ReconnectBackoff(Initial, Max, Healthy, new FakeTimeProvider(), new Random(1));

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], Enumerable.Range(0, 8).Select(attempt => backoff.CeilingOf(attempt).TotalSeconds));
        Assert.Equal(Max, backoff.CeilingOf(1000));
    }

    [Fact]
    public void Each_delay_is_jittered_between_zero_and_its_ceiling()
    {
        var backoff = new ReconnectBackoff(Initial, Max, Healthy, new FakeTimeProvider(), new Random(7));
        var delays = Enumerable.Range(0, 200).Select(_ => backoff.NextDelay()).ToList();

        for (var attempt = 0; attempt < delays.Count; attempt++)
        {
            Assert.InRange(delays[attempt], TimeSpan.Zero, backoff.CeilingOf(attempt));
        }
        // Full jitter: capped attempts spread over the range instead of all waiting the maximum.
        var capped = delays.Skip(10).ToList();
        Assert.True(capped.Min() < TimeSpan.FromSeconds(20) && capped.Max() > TimeSpan.FromSeconds(40),
            $"capped delays should spread over 0–60 s, got {capped.Min()}–{capped.Max()}");
    }

    [Fact]
    public void A_connection_that_stayed_up_long_enough_starts_the_backoff_over()
    {
        var time = new FakeTimeProvider();
        var backoff = new ReconnectBackoff(Initial, Max, Healthy, time, new Random(3));
        for (var i = 0; i < 6; i++)
        {
            backoff.NextDelay();
        }

        backoff.Connected();
        time.Advance(Healthy);
        var afterHealthy = backoff.NextDelay();

        Assert.InRange(afterHealthy, TimeSpan.Zero, Initial);
        Assert.Equal(1, backoff.Attempt);
    }

    [Fact]
    public void A_connection_that_dropped_quickly_keeps_backing_off()
    {
        var time = new FakeTimeProvider();
        var backoff = new ReconnectBackoff(Initial, Max, Healthy, time, new Random(3));
        for (var i = 0; i < 6; i++)
        {
            backoff.NextDelay();
        }

        backoff.Connected();
        time.Advance(Healthy - TimeSpan.FromSeconds(1));
        backoff.NextDelay();

        Assert.Equal(7, backoff.Attempt);
    }
}
