using Microsoft.AspNetCore.Http.HttpResults;
using TradingHelper.Api.Security;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Instruments;

/// <summary>Routes under <c>/api/instruments</c>.</summary>
public static class InstrumentsApi
{
    public static RouteGroupBuilder MapInstrumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/instruments").WithTags("Instruments");

        var changes = api.MapGroup("").RequireApiKey();
        changes.MapPost("/sync", SyncInstruments)
            .WithName(nameof(SyncInstruments))
            .ProducesValidationProblem()
            .WithSummary("Refresh the instrument master from the broker")
            .WithDescription("Asks the Ingestor to download the broker's instrument list and upsert it. Returns at once with the job to watch.");

        return api;
    }

    public static async Task<Accepted<SyncInstrumentsAccepted>> SyncInstruments(
        [AsParameters] InstrumentServices services,
        SyncInstrumentsRequest? request,
        CancellationToken cancellationToken)
    {
        var jobId = Guid.CreateVersion7(services.TimeProvider.GetUtcNow());
        var exchanges = request?.Exchanges is { Length: > 0 } requested ? requested.Select(e => e.ToUpperInvariant()).Distinct().ToArray() : null;
        var commandId = await services.Commands.PublishAsync(
            CommandKind.SyncInstruments, new SyncInstrumentsCommand(jobId, exchanges), cancellationToken);
        services.Logger.LogSyncRequested(jobId, commandId);
        return TypedResults.Accepted($"/api/historical/jobs/{jobId}", new SyncInstrumentsAccepted(jobId, commandId));
    }
}
