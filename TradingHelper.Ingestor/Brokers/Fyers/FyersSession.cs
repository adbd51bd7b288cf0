using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Fyers;

/// <summary>
/// The Fyers access token in force (<c>APP_ID:JWT</c>): the one the daily login put in force, else <c>Fyers:AccessToken</c>.
/// Its expiry is the JWT's own <c>exp</c>, which the socket and the REST client read.
/// </summary>
public sealed class FyersSession(IOptionsMonitor<FyersOptions> options)
{
    /// <summary>Where a login is done, for every message that says one is needed.</summary>
    public const string LoginPath = "/api/brokers/fyers/login";

    private string? _loggedIn;

    /// <summary>The token to use now, or null when neither a login nor the configuration gave one (never logged).</summary>
    public string? AccessToken => Volatile.Read(ref _loggedIn) ?? options.CurrentValue.AccessToken;

    /// <summary>Whether the token in force came from a login rather than the configuration.</summary>
    public bool FromLogin => Volatile.Read(ref _loggedIn) is not null;

    /// <summary>Raised after a login put a new token in force; a socket waiting for a token dials with it.</summary>
    public event EventHandler? TokenChanged;

    /// <summary>Puts a logged-in token in force.</summary>
    public void Update(string accessToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        if (Interlocked.Exchange(ref _loggedIn, accessToken) != accessToken)
        {
            TokenChanged?.Invoke(this, EventArgs.Empty);
        }
    }
}
