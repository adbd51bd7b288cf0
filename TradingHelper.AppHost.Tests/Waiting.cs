namespace TradingHelper.AppHost.Tests;

/// <summary>Polls for the thing a test asserts, bounded, and says what never happened.</summary>
internal static class Waiting
{
    public static CancellationTokenSource Within(TimeSpan after)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(after);
        return timeout;
    }

    public static async Task<T> UntilAsync<T>(Func<CancellationToken, Task<T?>> probe, TimeSpan within, string never) where T : class
    {
        using var timeout = Within(within);
        while (true)
        {
            try
            {
                if (await probe(timeout.Token) is { } value)
                {
                    return value;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"After {within}: {never}");
            }
        }
    }
}
