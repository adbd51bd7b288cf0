using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>Downloads Kite's instrument dump and applies it to the <c>instruments</c> table.</summary>
public sealed partial class InstrumentSync(KiteRestClient kite, KiteInstrumentStore store, ILogger<InstrumentSync> logger) : IInstrumentMasterSync
{
    public async Task<InstrumentSyncResult> RunAsync(string reason, IReadOnlyCollection<string>? exchanges, CancellationToken cancellationToken)
    {
        var dump = await kite.GetInstrumentsAsync(cancellationToken);
        var instruments = exchanges is { Count: > 0 }
            ? dump.Instruments.Where(instrument => exchanges.Contains(instrument.Exchange, StringComparer.OrdinalIgnoreCase)).ToList()
            : dump.Instruments;
        if (instruments.Count == 0)
        {
            // An empty dump would expire every contract; Kite serving one is an outage, not a delisting.
            throw new KiteApiException(exchanges is { Count: > 0 }
                ? $"Kite's instrument dump has no rows for {string.Join(", ", exchanges)}; nothing was changed."
                : "Kite served an empty instrument dump; nothing was changed.");
        }
        var result = await store.UpsertAsync(instruments, cancellationToken);
        LogSynced(logger, reason, instruments.Count, dump.SkippedRows, result.Written, result.Expired);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite instruments synced ({Reason}): {Rows} rows read, {Skipped} skipped, {Written} written, {Expired} marked expired")]
    private static partial void LogSynced(ILogger logger, string reason, int rows, int skipped, int written, int expired);
}
