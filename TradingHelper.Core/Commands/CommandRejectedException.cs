namespace TradingHelper.Core.Commands;

/// <summary>A command that retrying cannot fix: malformed, unknown, or naming something that does not exist.</summary>
public sealed class CommandRejectedException : Exception
{
    public CommandRejectedException()
    {
    }

    public CommandRejectedException(string message) : base(message)
    {
    }

    public CommandRejectedException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
