namespace TradingHelper.Core.Commands;

/// <summary>Carries out one kind of command in the Ingestor.</summary>
/// <remarks>
/// Throw <see cref="CommandRejectedException"/> for a command that can never succeed (it is dead-lettered at once);
/// any other exception leaves it unacknowledged, to be delivered again.
/// </remarks>
public interface ICommandHandler
{
    string Kind { get; }

    Task HandleAsync(string payloadJson, CancellationToken cancellationToken);
}
