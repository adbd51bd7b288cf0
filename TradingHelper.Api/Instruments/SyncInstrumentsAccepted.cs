namespace TradingHelper.Api.Instruments;

/// <summary>The answer to an accepted instrument sync: the job to watch and the command that carries it.</summary>
public sealed record SyncInstrumentsAccepted(Guid JobId, string CommandId);
