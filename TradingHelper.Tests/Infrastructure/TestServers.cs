[assembly: AssemblyFixture(typeof(TradingHelper.Tests.Infrastructure.TestServers))]

namespace TradingHelper.Tests.Infrastructure;

/// <summary>The real PostgreSQL and Redis servers every test in the run shares, started once and always removed.</summary>
public sealed class TestServers : IAsyncLifetime
{
    public PostgresServer Postgres { get; private set; } = null!;

    public RedisServer Redis { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var postgres = PostgresServer.StartAsync();
        var redis = RedisServer.StartAsync();
        Postgres = await postgres;
        Redis = await redis;
        // A test host that is torn down without disposing fixtures must still not leave servers behind.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
            Redis = null!;
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
            Postgres = null!;
        }
    }
}
