using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;
using TradingHelper.Api.Historical;
using TradingHelper.Api.Security;
using TradingHelper.Api.Subscriptions;
using TradingHelper.Api.Validation;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;

namespace TradingHelper.Api.Instruments;

/// <summary>Routes under <c>/api/instruments</c>: search the instrument master, and choose what the Ingestor captures.</summary>
public static class InstrumentsApi
{
    public static readonly string[] Modes = ["ltp", "quote", "full"];

    public static RouteGroupBuilder MapInstrumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/instruments").WithTags("Instruments");

        api.MapGet("", SearchInstruments)
            .WithName(nameof(SearchInstruments))
            .WithSummary("Search instruments")
            .WithDescription(
                "Filters the instrument master, e.g. NIFTY options of one expiry: ?underlying=NIFTY&type=CE,PE&expiry=2026-11-27. "
                + "Paged: follow 'next' until it is null. The 'token' of each instrument is the id every other route takes.");

        api.MapGet("/{token}", GetInstrument)
            .WithName(nameof(GetInstrument))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Get one instrument by token")
            .WithDescription("The instrument and its subscription, if any. The token is the internal instrument id, not a broker token.");

        var changes = api.MapGroup("").RequireApiKey();
        changes.MapPost("/sync", SyncInstruments)
            .WithName(nameof(SyncInstruments))
            .ProducesValidationProblem()
            .WithSummary("Refresh the instrument master from the broker")
            .WithDescription("Asks the Ingestor to download the broker's instrument list and upsert it. Returns at once with the job to watch: "
                + "Location /api/instruments/sync/{id}.");

        api.MapGet("/sync/{id}", GetSync)
            .WithName(nameof(GetSync))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Progress of an instrument sync")
            .WithDescription("queued until the Ingestor takes it, then running, succeeded (instruments written and newly expired) or failed (error; the Ingestor retries).");

        changes.MapPost("/subscribe", Subscribe)
            .WithName(nameof(Subscribe))
            .WithSummary("Capture ticks of instruments")
            .WithDescription(
                "Records the instruments as subscribed in the given mode (ltp, quote or full; default full) and asks the Ingestor to "
                + "subscribe them at the broker. Instruments this makes active get their last Api:Subscriptions:HistoryDays (5) trading "
                + "days of minute history as one backfill job, named in 'history' (null when none started). "
                + "Unknown or expired tokens are refused with 400 naming them.");

        changes.MapPost("/unsubscribe", Unsubscribe)
            .WithName(nameof(Unsubscribe))
            .WithSummary("Stop capturing ticks of instruments")
            .WithDescription("Marks the instruments' subscriptions inactive and asks the Ingestor to unsubscribe them. Unknown tokens are refused with 400.");

        return api;
    }

    public static async Task<Results<Ok<InstrumentPage>, ValidationProblem>> SearchInstruments(
        [AsParameters] InstrumentFilter filter,
        [AsParameters] InstrumentServices services,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var page = filter.Page ?? 1;
        var pageSize = filter.PageSize ?? InstrumentFilter.DefaultPageSize;
        if (page is < 1 or > 1_000_000)
        {
            errors.Add("page", "page must be between 1 and 1000000.");
        }
        if (pageSize is < 1 or > InstrumentFilter.MaxPageSize)
        {
            errors.Add("pageSize", $"pageSize must be between 1 and {InstrumentFilter.MaxPageSize}.");
        }
        string[]? types = null;
        if (!string.IsNullOrWhiteSpace(filter.Type))
        {
            types = filter.Type.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(type => type.ToUpperInvariant()).Distinct().ToArray();
            var unknown = types.Where(type => !InstrumentFilter.KnownTypes.Contains(type)).ToArray();
            if (unknown.Length > 0 || types.Length == 0)
            {
                errors.Add("type", $"Unknown instrument type '{string.Join(",", unknown)}'; expected {string.Join(", ", InstrumentFilter.KnownTypes)}.");
            }
        }
        if (filter.Symbol is { Length: > 64 })
        {
            errors.Add("symbol", "symbol may be at most 64 characters.");
        }
        if (errors.Any)
        {
            return errors.ToProblem("Invalid instrument search");
        }

        var (items, total) = await services.Store.SearchAsync(
            Blank(filter.Segment), Blank(filter.Exchange), Blank(filter.Symbol), Blank(filter.Underlying), types, filter.Expiry,
            filter.IncludeExpired ?? false, (long)(page - 1) * pageSize, pageSize, cancellationToken);
        var next = (long)page * pageSize < total ? PageLink(request, page + 1) : null;
        return TypedResults.Ok(new InstrumentPage(items, total, page, pageSize, next));
    }

    public static async Task<Results<Ok<InstrumentDetails>, ProblemHttpResult>> GetInstrument(
        int token, [AsParameters] InstrumentServices services, CancellationToken cancellationToken) =>
        await services.Store.GetAsync(token, cancellationToken) is { } details
            ? TypedResults.Ok(details)
            : TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown instrument",
                detail: $"No instrument has token {token}; find tokens with GET /api/instruments?symbol=…");

    public static async Task<Accepted<SyncInstrumentsAccepted>> SyncInstruments(
        [AsParameters] InstrumentServices services,
        SyncInstrumentsRequest? request,
        CancellationToken cancellationToken)
    {
        var jobId = Guid.CreateVersion7(services.TimeProvider.GetUtcNow());
        var exchanges = request?.Exchanges is { Length: > 0 } requested ? requested.Select(e => e.ToUpperInvariant()).Distinct().ToArray() : null;
        // Recorded before the command is sent, so the Location answered below can be followed at once.
        await services.Store.CreateSyncAsync(jobId, exchanges, cancellationToken);
        var commandId = await services.Commands.PublishAsync(
            CommandKind.SyncInstruments, new SyncInstrumentsCommand(jobId, exchanges), cancellationToken);
        services.Logger.LogSyncRequested(jobId, commandId);
        return TypedResults.Accepted($"/api/instruments/sync/{jobId}", new SyncInstrumentsAccepted(jobId, commandId));
    }

    public static async Task<Results<Ok<InstrumentSyncView>, ProblemHttpResult>> GetSync(
        Guid id, [AsParameters] InstrumentServices services, CancellationToken cancellationToken) =>
        await services.Store.GetSyncAsync(id, cancellationToken) is { } sync
            ? TypedResults.Ok(sync)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown instrument sync", detail: $"No instrument sync has id {id}.");

    public static async Task<Results<Accepted<SubscriptionChange>, ValidationProblem>> Subscribe(
        SubscriptionRequest? request, [AsParameters] InstrumentServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var mode = request?.Mode?.Trim().ToLowerInvariant() ?? "full";
        if (!Modes.Contains(mode))
        {
            errors.Add("mode", $"mode must be one of {string.Join(", ", Modes)}.");
        }
        var tokens = await CheckTokensAsync(request, services, allowExpired: false, errors, cancellationToken);
        if (tokens is null || errors.Any)
        {
            return errors.ToProblem("Invalid subscription request");
        }

        var outcome = await services.Subscriptions.SubscribeAsync(tokens, mode, cancellationToken);
        var commandId = await SyncAsync("subscribe", tokens, mode, outcome, services, cancellationToken);
        var history = await ScheduleHistoryAsync(outcome.Activated, services, cancellationToken);
        return Accepted("subscribe", tokens, outcome, commandId, history);
    }

    public static async Task<Results<Accepted<SubscriptionChange>, ValidationProblem>> Unsubscribe(
        SubscriptionRequest? request, [AsParameters] InstrumentServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        // Expired contracts may still be subscribed from before they expired: letting them go must work.
        var tokens = await CheckTokensAsync(request, services, allowExpired: true, errors, cancellationToken);
        if (tokens is null || errors.Any)
        {
            return errors.ToProblem("Invalid unsubscription request");
        }

        var outcome = await services.Subscriptions.UnsubscribeAsync(tokens, cancellationToken);
        var commandId = await SyncAsync("unsubscribe", tokens, null, outcome, services, cancellationToken);
        return Accepted("unsubscribe", tokens, outcome, commandId, history: null);
    }

    private static async Task<int[]?> CheckTokensAsync(
        SubscriptionRequest? request, InstrumentServices services, bool allowExpired, ValidationErrors errors, CancellationToken cancellationToken)
    {
        var tokens = TokenList.Distinct(request?.Tokens, services.SubscriptionOptions.Value.MaxTokensPerRequest, errors);
        if (tokens is not null)
        {
            await TokenList.CheckKnownAsync(services.Store, tokens, allowExpired, errors, cancellationToken);
        }
        return tokens;
    }

    // The command goes out after the commit: the Ingestor reads the subscription set from the database when it acts.
    private static async Task<string> SyncAsync(
        string action, int[] tokens, string? mode, SubscriptionOutcome outcome, InstrumentServices services, CancellationToken cancellationToken)
    {
        var commandId = await services.Commands.PublishAsync(
            CommandKind.SyncSubscriptions, new SyncSubscriptionsCommand(action, tokens, mode), cancellationToken);
        services.Logger.LogSubscriptionsChanged(action, tokens.Length, outcome.Changed, commandId);
        return commandId;
    }

    /// <summary>
    /// Backfills the last Api:Subscriptions:HistoryDays trading days of the newly active instruments as one job, up to the
    /// start of this minute: a broker candle of the minute under way would be partial, and would hide that minute's ticks.
    /// The subscription is committed and synced already, so a failure here is answered and logged, never thrown.
    /// </summary>
    private static async Task<SubscriptionHistory?> ScheduleHistoryAsync(int[] activated, InstrumentServices services, CancellationToken cancellationToken)
    {
        var days = services.SubscriptionOptions.Value.HistoryDays;
        if (days == 0 || activated.Length == 0)
        {
            return null;
        }
        var now = services.TimeProvider.GetUtcNow();
        var to = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var from = MarketHours.Nse.OpenOfLastTradingDays(now, days);
        if (from >= to)
        {
            // One day asked for before today's session opened: there is no minute to fetch yet.
            return null;
        }
        try
        {
            var job = await services.Backfills.ScheduleAsync(activated, from, to, BackfillScheduler.MinuteInterval, cancellationToken);
            return new SubscriptionHistory(job.JobId, BackfillScheduler.LinkOf(job.JobId), job.CommandId, from, to, days, activated, Error: null);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            services.Logger.LogHistoryNotRequested(exception, activated.Length, from, to);
            return new SubscriptionHistory(null, null, null, from, to, days, activated,
                "The history backfill could not be queued (the Api's log says why); the subscription stands. "
                + "Ask for it with POST /api/historical/backfill for these tokens, from and to.");
        }
    }

    private static Accepted<SubscriptionChange> Accepted(
        string action, int[] tokens, SubscriptionOutcome outcome, string commandId, SubscriptionHistory? history) =>
        TypedResults.Accepted("/api/subscriptions",
            new SubscriptionChange(action, tokens.Length, outcome.Changed, outcome.ActiveTotal, commandId, outcome.States, history));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string PageLink(HttpRequest request, int page)
    {
        var query = request.Query.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
        query["page"] = new StringValues(page.ToString(CultureInfo.InvariantCulture));
        return request.PathBase + request.Path + QueryString.Create(query);
    }
}
