using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>Downloads Kite's instrument dump and applies it to the <c>instruments</c> table.</summary>
public sealed partial class InstrumentSync(KiteRestClient kite, KiteInstrumentStore store, ILogger<InstrumentSync> logger)
{
    public async Task<InstrumentSyncResult> RunAsync(string reason, CancellationToken cancellationToken)
    {
        var dump = await kite.GetInstrumentsAsync(cancellationToken);
        if (dump.Instruments.Count == 0)
        {
            // An empty dump would expire every contract; Kite serving one is an outage, not a delisting.
            throw new KiteApiException("Kite served an empty instrument dump; nothing was changed.");
        }
        var result = await store.UpsertAsync(dump.Instruments, cancellationToken);
        LogSynced(logger, reason, dump.Instruments.Count, dump.SkippedRows, result.Written, result.Expired);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kite instruments synced ({Reason}): {Rows} rows read, {Skipped} skipped, {Written} written, {Expired} marked expired")]
    private static partial void LogSynced(ILogger logger, string reason, int rows, int skipped, int written, int expired);
}
