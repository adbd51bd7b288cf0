using TradingHelper.Core.Storage;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Ingestor.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // Ticks are written to the database; latest quotes and live fan-out go through Redis.
        builder.AddTradingDatabase();
        builder.AddTradingRedis();
        builder.Services.AddTradingStorage();
        // Plain PostgreSQL has no continuous aggregates or chunk retention; the Ingestor does that work there.
        builder.Services.AddTradingStorageUpkeep();
        // Reported by one service only, so a dashboard does not sum the same database twice.
        builder.Services.AddDatabaseSizeMetric();
        // Registered before any feed: hosted services stop in reverse order, so feeds stop before the writer drains.
        builder.Services.AddTickWriter();
        // Kite's REST side (instrument master, history backfills, daily login) when Kite or the simulator is the broker.
        builder.AddKiteRest();
    }
}
