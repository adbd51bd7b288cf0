namespace TradingHelper.Ingestor.Instruments;

/// <summary>What one instrument sync changed.</summary>
/// <param name="Written">Rows inserted or refreshed from the dump.</param>
/// <param name="Expired">Contracts newly marked expired (passed expiry, gone from the dump, or token reused).</param>
public sealed record InstrumentSyncResult(int Written, int Expired);
