using TradingHelper.Core.Market;

namespace TradingHelper.Core.Brokers.Kite;

/// <summary>A Kite access token dies at 06:00 IST after the login (a regulatory rule); nothing can refresh it.</summary>
public static class KiteTokenLifetime
{
    public static readonly TimeSpan ExpiryTimeOfDay = new(6, 0, 0);

    /// <summary>When a token obtained at <paramref name="loginTime"/> stops working.</summary>
    public static DateTimeOffset ExpiresAt(DateTimeOffset loginTime) => IstClock.Next(loginTime, ExpiryTimeOfDay);
}
