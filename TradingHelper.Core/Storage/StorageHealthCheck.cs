using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TradingHelper.Core.Storage;

/// <summary>Ready once the schema is migrated; reports the storage profile in use.</summary>
internal sealed class StorageHealthCheck(StorageState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = (state.Profile, state.Failure) switch
        {
            ({ } profile, _) => HealthCheckResult.Healthy(
                $"Schema current, {DatabaseMigrator.ProfileFolder(profile)} profile",
                new Dictionary<string, object> { ["profile"] = DatabaseMigrator.ProfileFolder(profile) }),
            (_, { } failure) => HealthCheckResult.Unhealthy("Migrations failed", failure.GetBaseException()),
            _ => HealthCheckResult.Unhealthy("Migrations have not finished"),
        };
        return Task.FromResult(result);
    }
}
