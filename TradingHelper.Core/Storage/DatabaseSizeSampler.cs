using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Publishes <c>tradinghelper.database.size</c>: the size of the trading database, sampled every minute.
/// </summary>
public sealed partial class DatabaseSizeSampler : BackgroundService
{
    public const string MeterName = "TradingHelper.Storage";
    public const string InstrumentName = "tradinghelper.database.size";

    /// <summary>pg_database_size walks every file of the database, too costly for each scrape.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(60);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<DatabaseSizeSampler> _logger;
    // Written by the sampling loop, read by the exporter's collection thread; -1 until the first sample.
    private long _bytes = -1;

    public DatabaseSizeSampler(NpgsqlDataSource dataSource, IMeterFactory meterFactory, TimeProvider time, ILogger<DatabaseSizeSampler> logger)
    {
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        meterFactory.Create(MeterName).CreateObservableGauge(
            InstrumentName, Observe, unit: "By", description: "Size of the trading database on disk, sampled every minute.");
    }

    /// <summary>Takes one sample; the gauge reports it until the next one.</summary>
    internal async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT pg_database_size(current_database())");
        var bytes = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        Volatile.Write(ref _bytes, bytes);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, _time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The last size stays on the gauge; the storage health check reports the outage itself.
                LogSampleFailed(_logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // No measurement before the first sample: a zero would read as an empty database.
    private IEnumerable<Measurement<long>> Observe()
    {
        var bytes = Volatile.Read(ref _bytes);
        return bytes < 0 ? [] : [new Measurement<long>(bytes)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling the database size failed; the gauge keeps the last sample")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
