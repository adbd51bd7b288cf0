using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers.Fyers;
using TradingHelper.Core.Market;
using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Brokers.Fyers;

namespace TradingHelper.Ingestor.Instruments;

/// <summary>Downloads the public Fyers symbol-master CSVs and maps them onto <c>instruments</c>: at start-up when no instrument has a Fyers symbol, then daily.</summary>
public sealed partial class FyersSymbolMasterSync(
    IHttpClientFactory httpClients,
    FyersInstrumentStore store,
    StorageState storage,
    IOptions<FyersOptions> options,
    TimeProvider time,
    ILogger<FyersSymbolMasterSync> logger) : BackgroundService, IInstrumentMasterSync
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Downloads every configured file and applies it (or its rows of <paramref name="exchanges"/>) in one transaction.</summary>
    public async Task<InstrumentSyncResult> RunAsync(string reason, IReadOnlyCollection<string>? exchanges, CancellationToken cancellationToken)
    {
        var master = new FyersSymbolMaster();
        var instruments = new List<FyersInstrument>();
        using var http = httpClients.CreateClient(nameof(FyersSymbolMasterSync));
        foreach (var file in options.Value.SymbolMasterFiles)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.SymbolMasterUrl, file));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Fyers' public file host has been seen to hang; a download is bounded like every other broker call.
            timeout.CancelAfter(options.Value.RequestTimeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            instruments.AddRange(master.Read(new StringReader(await reader.ReadToEndAsync(timeout.Token))));
        }
        if (exchanges is { Count: > 0 })
        {
            instruments = [.. instruments.Where(instrument =>
                FyersInstrumentStore.IdentityOf(instrument) is { } identity && exchanges.Contains(identity.Exchange, StringComparer.OrdinalIgnoreCase))];
        }
        if (instruments.Count == 0)
        {
            // An empty master would expire every contract; Fyers serving one is an outage, not a delisting.
            throw new InvalidOperationException(exchanges is { Count: > 0 }
                ? $"The Fyers symbol master has no rows for {string.Join(", ", exchanges)}; nothing was changed."
                : "The Fyers symbol master was empty; nothing was changed.");
        }
        var result = await store.UpsertAsync(instruments, cancellationToken);
        LogSynced(logger, reason, instruments.Count, master.SkippedRows, result.Written, result.Expired);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await storage.Ready.WaitAsync(stoppingToken);
        DateTimeOffset? due = await store.HasFyersInstrumentsAsync(stoppingToken) ? null : time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = (due ?? IstClock.Next(time.GetUtcNow(), options.Value.SymbolMasterSyncTime)) - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            try
            {
                await RunAsync(due is null ? "daily" : "start-up, no Fyers symbols yet", null, stoppingToken);
                due = null;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogSyncFailed(logger, exception, RetryDelay.TotalMinutes);
                due = time.GetUtcNow() + RetryDelay;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fyers symbol master synced ({Reason}): {Rows} rows read, {Skipped} skipped, {Written} instruments carry a Fyers symbol, {Expired} marked expired")]
    private static partial void LogSynced(ILogger logger, string reason, int rows, int skipped, int written, int expired);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fyers symbol-master sync failed; retrying in {Minutes} minutes")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, double minutes);
}
