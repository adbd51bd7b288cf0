namespace TradingHelper.Core.Storage;

/// <summary>Which schema flavour the database gets; table and view names are the same in both.</summary>
public enum StorageProfile
{
    /// <summary>Plain PostgreSQL 15+: daily partitions and a candle table kept by the Ingestor.</summary>
    Postgres,

    /// <summary>TimescaleDB with the Timescale licence: hypertable, compression, continuous aggregate.</summary>
    Timescale,
}
