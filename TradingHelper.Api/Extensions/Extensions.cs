using TradingHelper.Api.Brokers;
using TradingHelper.Core.Storage;

namespace TradingHelper.Api.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        // The Api reads instruments, candles and jobs from the database and talks to the Ingestor through Redis.
        builder.AddTradingDatabase();
        builder.AddTradingRedis();
        builder.Services.AddTradingStorage();

        // Every error leaves as RFC 7807 problem details.
        builder.Services.AddProblemDetails();

        // The daily Kite login: redirect, callback and session status; the Ingestor holds the secret.
        builder.AddKiteLogin();
    }
}
