namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>An access token that cannot authenticate the data socket, with the reason.</summary>
public sealed class FyersAccessTokenException : Exception
{
    public FyersAccessTokenException()
    {
    }

    public FyersAccessTokenException(string message)
        : base(message)
    {
    }

    public FyersAccessTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FyersAccessTokenException(FyersAccessTokenProblem problem, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
    }

    public FyersAccessTokenProblem Problem { get; }
}
