using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TradingHelper.Core.Storage;
using TradingHelper.Tests.Infrastructure;
using TradingHelper.Tests.Storage;

namespace TradingHelper.Tests.Observability;

public sealed class DatabaseSizeSamplerTests(TestServers servers)
{
    [Fact]
    public async Task Gauge_reports_the_last_sampled_size_and_nothing_before_the_first_sample()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await StorageTestDatabase.CreateAsync(servers, "database_size");
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        var sampler = new DatabaseSizeSampler(database.DataSource, meterFactory, TimeProvider.System, NullLogger<DatabaseSizeSampler>.Instance);
        using var gauge = new GaugeReader(meterFactory, DatabaseSizeSampler.InstrumentName);

        var beforeSampling = gauge.Read();
        await sampler.SampleAsync(ct);
        var first = Assert.Single(gauge.Read());
        // About 10 MB of rows: the database grows far beyond anything autovacuum or statistics could add.
        await database.ExecuteAsync("CREATE TABLE ballast AS SELECT g, repeat('x', 500) AS filler FROM generate_series(1, 20000) g");
        var betweenSamples = Assert.Single(gauge.Read());
        await sampler.SampleAsync(ct);
        var second = Assert.Single(gauge.Read());
        var measured = await database.ScalarAsync<long>("SELECT pg_database_size(current_database())");

        Assert.Empty(beforeSampling);
        Assert.True(first > 1_000_000, $"A migrated database is several MB, the gauge said {first} bytes.");
        Assert.Equal(first, betweenSamples);
        Assert.True(second >= first + 5_000_000, $"The ballast should have grown the database: {first} → {second} bytes.");
        Assert.InRange(second, measured - 1_000_000, measured + 1_000_000);
    }

    /// <summary>Collects an observable gauge of one meter factory on demand, as an exporter's scrape would.</summary>
    private sealed class GaugeReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<long> _values = [];

        public GaugeReader(IMeterFactory meterFactory, string instrumentName)
        {
            // Other tests host services with the same meter; only this test's factory counts.
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meterFactory && instrument.Name == instrumentName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _values.Add(value));
            _listener.Start();
        }

        public IReadOnlyList<long> Read()
        {
            _values.Clear();
            _listener.RecordObservableInstruments();
            return [.. _values];
        }

        public void Dispose() => _listener.Dispose();
    }
}
