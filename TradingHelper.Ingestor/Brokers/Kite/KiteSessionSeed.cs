using Microsoft.Extensions.Options;

namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>Puts <c>Kite:AccessToken</c> in force at start-up, unless the session already holds a token.</summary>
internal sealed class KiteSessionSeed(KiteSession session, IOptions<KiteOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (session.AccessToken is null && !string.IsNullOrWhiteSpace(options.Value.AccessToken))
        {
            session.Update(options.Value.AccessToken, expiresAt: null);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
