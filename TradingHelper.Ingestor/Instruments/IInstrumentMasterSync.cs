namespace TradingHelper.Ingestor.Instruments;

/// <summary>The broker's instrument master applied to <c>instruments</c>: Kite's dump or Fyers' symbol master.</summary>
public interface IInstrumentMasterSync
{
    /// <summary>Syncs every exchange, or only <paramref name="exchanges"/> (Kite's names: NSE, NFO, …); contracts of other exchanges are left as they are.</summary>
    Task<InstrumentSyncResult> RunAsync(string reason, IReadOnlyCollection<string>? exchanges, CancellationToken cancellationToken);
}
