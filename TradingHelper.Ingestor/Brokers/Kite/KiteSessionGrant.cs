namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>What <c>POST /session/token</c> returned: the access token (never logged) and the user it belongs to.</summary>
public sealed record KiteSessionGrant(string AccessToken, string? UserId, DateTimeOffset LoginTime)
{
    public override string ToString() => $"KiteSessionGrant {{ UserId = {UserId}, LoginTime = {LoginTime:O} }}";
}
