using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace TradingHelper.Tests.Infrastructure;

/// <summary>Hosts a TradingHelper service in memory, wired to the test run's real database and Redis.</summary>
public sealed class ServiceFactory<TEntryPoint>(string databaseConnectionString, string redisConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TEntryPoint> where TEntryPoint : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:tradingdb", databaseConnectionString);
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
    }
}
