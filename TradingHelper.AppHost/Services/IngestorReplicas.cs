using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace TradingHelper.AppHost.Services;

/// <summary>
/// How many Ingestors share the subscriptions (<c>Parameters:ingestors</c>, 1 by default) and what each is called.
/// Each is a resource of its own, not a replica of one: its name is its <c>Ingestor:Name</c> and picks its spool, so
/// a restarted Ingestor takes its own leases back and replays its own spool.
/// </summary>
internal static class IngestorReplicas
{
    /// <summary>Kite allows three ticker connections per API key, and every Ingestor needs one.</summary>
    public const int KiteMax = 3;

    /// <summary>Every Ingestor opens at least one ticker socket, so there can be no more Ingestors than sockets.</summary>
    public static int Read(IConfiguration configuration, string brokerKind)
    {
        var configured = configuration["Parameters:ingestors"]?.Trim();
        if (string.IsNullOrEmpty(configured))
        {
            return 1;
        }
        if (!int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            throw new InvalidOperationException($"Parameters:ingestors is '{configured}'; use a whole number from 1.");
        }
        var max = brokerKind == "fyers" ? 1 : KiteMax;
        if (count > max)
        {
            throw new InvalidOperationException(brokerKind == "fyers"
                ? $"Parameters:ingestors is {count}, but Fyers allows one data socket per app: run one Ingestor with broker=fyers."
                : $"Parameters:ingestors is {count}, but Kite allows {KiteMax} ticker connections per API key and each Ingestor needs one: use 1 to {KiteMax}.");
        }
        return count;
    }

    /// <summary>The first keeps the plain name, so a single-Ingestor run looks as it always did.</summary>
    public static string Name(int ordinal) => ordinal == 1 ? "ingestor" : $"ingestor-{ordinal}";

    /// <summary>The socket budget split evenly, so that together the Ingestors never open more than Kite allows.</summary>
    public static int KiteConnectionsEach(int count) => KiteMax / count;
}
