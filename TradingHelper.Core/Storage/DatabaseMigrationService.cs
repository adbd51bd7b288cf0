using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace TradingHelper.Core.Storage;

/// <summary>Runs the migrations before the host starts anything that reads or writes the schema.</summary>
internal sealed class DatabaseMigrationService(DatabaseMigrator migrator, StorageState state, IOptions<StorageOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }
        try
        {
            state.MarkReady(await migrator.MigrateAsync(cancellationToken));
        }
        catch (Exception exception)
        {
            state.MarkFailed(exception);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
