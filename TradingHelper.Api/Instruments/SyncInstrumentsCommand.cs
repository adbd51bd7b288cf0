namespace TradingHelper.Api.Instruments;

/// <summary>The payload of a <c>instruments.sync</c> command: the job id, and the exchanges to sync or null for all.</summary>
public sealed record SyncInstrumentsCommand(Guid JobId, string[]? Exchanges);
