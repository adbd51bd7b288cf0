namespace TradingHelper.Core.Commands;

/// <summary>The names of the commands the Api sends the Ingestor; each has one handler.</summary>
public static class CommandKind
{
    /// <summary>The subscription set changed in the database: bring the broker connections in line with it.</summary>
    public const string SyncSubscriptions = "subscriptions.sync";

    /// <summary>Download the broker's instrument master and upsert it.</summary>
    public const string SyncInstruments = "instruments.sync";

    /// <summary>Run a backfill job recorded in <c>backfill_jobs</c>.</summary>
    public const string Backfill = "historical.backfill";

    /// <summary>A new broker access token from the daily login.</summary>
    public const string BrokerSession = "broker.session";
}
