namespace TradingHelper.Core.Brokers;

/// <summary>Redis keys through which the Ingestor reports broker logins to the Api; none of them holds a token in clear.</summary>
public static class BrokerSessionKeys
{
    /// <summary>How long the Api may read the outcome of one login.</summary>
    public static readonly TimeSpan ResultLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The outcome (<see cref="BrokerSessionResult"/>) of the login command with this correlation id.</summary>
    public static string Result(string correlationId) => $"tradinghelper:broker-session:result:{correlationId}";

    /// <summary>Whether the broker's session is valid and until when (<see cref="BrokerSessionStatus"/>).</summary>
    public static string Status(string broker) => $"tradinghelper:broker-session:{broker}:status";

    /// <summary>The Ingestor's encrypted copy of the access token, so a restart before expiry needs no new login.</summary>
    public static string Token(string broker) => $"tradinghelper:broker-session:{broker}:token";
}
