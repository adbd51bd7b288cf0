using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TradingHelper.AppHost.Infrastructure;

namespace TradingHelper.AppHost.Services;

/// <summary>Once the Api is healthy, prints where everything is: the console is a newcomer's first screen.</summary>
internal sealed partial class RunSummary(LocalRun run, ResourceNotificationService notifications, ILogger<RunSummary> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await notifications.WaitForResourceHealthyAsync("api", stoppingToken).ConfigureAwait(false);
            var api = run.Api.Url;
            var grafana = run.Settings.Mode == InfrastructureMode.Containers
                ? "Grafana        see the grafana resource in the dashboard (user admin)"
                : "Grafana        not started: there is no Grafana executable on this machine; import grafana/ into your own (README)";
            LogRunning(
                $"""
                TradingHelper is running (broker: {run.Broker}; infrastructure: {run.Settings.Mode.ToString().ToLowerInvariant()}, {run.Settings.ModeReason}). Ctrl-C stops everything.
                  Live chart     {api}/chart
                  API docs       {api}/docs
                  Api            {api}   (X-Api-Key for changes: {run.ApiKeyWhere})
                  Prometheus     {run.Prometheus.Url}
                  {grafana}
                  Data           {run.Settings.DataDirectory}
                """);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    private partial void LogRunning(string summary);
}
