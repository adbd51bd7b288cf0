using System.Globalization;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Ingestor.Backfill;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Kite's minute history for the backfill runner: instruments by Kite token, Kite's window limits, and a login wait on token errors.</summary>
public sealed partial class KiteHistorySource(KiteRestClient kite, BackfillJobStore store, ILogger<KiteHistorySource> logger) : IMinuteHistorySource
{
    public string Broker => "kite";

    public string KeyName => "Kite token";

    public async Task<IReadOnlyDictionary<int, string>> ResolveAsync(IReadOnlyList<int> instrumentIds, CancellationToken cancellationToken) =>
        (await store.GetKiteTokensAsync(instrumentIds, cancellationToken))
            .ToDictionary(pair => pair.Key, pair => pair.Value.ToString(CultureInfo.InvariantCulture));

    public IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Windows(DateTimeOffset rangeStart, DateTimeOffset rangeEnd) =>
        KiteHistoryInterval.Minute.Windows(rangeStart, rangeEnd);

    public async Task<IReadOnlyList<HistoryCandle>> GetMinuteCandlesAsync(string key, DateTimeOffset rangeStart, DateTimeOffset rangeEnd, CancellationToken cancellationToken)
    {
        var token = uint.Parse(key, CultureInfo.InvariantCulture);
        while (true)
        {
            try
            {
                var candles = await kite.GetHistoryWindowAsync(token, KiteHistoryInterval.Minute, rangeStart, rangeEnd, cancellationToken);
                return [.. candles.Select(c => new HistoryCandle(c.Start, c.Open, c.High, c.Low, c.Close, c.Volume, c.OpenInterest))];
            }
            catch (KiteTokenException)
            {
                // The session is invalidated; the next call waits in KiteSession until someone logs in.
                LogWaitingForLogin(logger, token);
            }
            catch (KiteApiException exception)
            {
                throw new HistoryUnavailableException(exception.Message, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kite history of token {Token} waits for a Kite login to continue")]
    private static partial void LogWaitingForLogin(ILogger logger, uint token);
}
