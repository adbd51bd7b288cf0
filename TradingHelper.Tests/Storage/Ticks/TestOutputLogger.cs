using Microsoft.Extensions.Logging;

namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>Writes a component's log to the output of the test that is running, so a failure shows what the writer saw.</summary>
internal sealed class TestOutputLogger<T> : ILogger<T>
{
    private readonly ITestOutputHelper? _output = TestContext.Current.TestOutputHelper;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && _output is not null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        try
        {
            _output!.WriteLine($"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {logLevel} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]")}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late log line from a background loop has nowhere to go.
        }
    }
}
