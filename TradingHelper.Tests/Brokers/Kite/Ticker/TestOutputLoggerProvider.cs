using Microsoft.Extensions.Logging;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

/// <summary>Sends a hosted service's log to the running test's output, so a failure shows what the feed saw.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper? output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper? output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && output is not null
            && (logLevel >= LogLevel.Warning || category.StartsWith("Kite", StringComparison.Ordinal) || category.StartsWith("Feed", StringComparison.Ordinal));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            try
            {
                output!.WriteLine($"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]")}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; a late line from a background loop has nowhere to go.
            }
        }
    }
}
