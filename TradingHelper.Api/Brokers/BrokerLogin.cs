namespace TradingHelper.Api.Brokers;

/// <summary>How one broker's login reads in answers: its route name, display name and the single-use code its redirect carries.</summary>
/// <param name="Broker">The name in routes, Redis keys and commands (<c>kite</c>, <c>fyers</c>).</param>
/// <param name="CodeField">The callback's query field holding the code (<c>request_token</c>, <c>auth_code</c>).</param>
/// <param name="CodeNoun">The code in a sentence ("A request token").</param>
/// <param name="Until">Describes a session's expiry for the success message.</param>
public sealed record BrokerLogin(string Broker, string DisplayName, string CodeField, string CodeNoun, Func<DateTimeOffset?, string> Until)
{
    public string LogInAgain => $"log in again at /api/brokers/{Broker}/login";
}
