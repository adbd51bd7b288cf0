using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using TradingHelper.Api.Security;
using TradingHelper.Api.Validation;
using TradingHelper.Core.Candles;

namespace TradingHelper.Api.Historical;

/// <summary>Routes under <c>/api/historical</c>: candles, and backfill jobs that fetch broker history.</summary>
public static class HistoricalApi
{
    public static RouteGroupBuilder MapHistoricalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/historical").WithTags("Historical");

        api.MapGet("/candles", GetCandles)
            .WithName(nameof(GetCandles))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Read candles of one instrument")
            .WithDescription(
                "OHLC candles of 1m, 5m, 15m, 1h (from 09:15 IST) or 1d (IST days), oldest first. Broker history wins over "
                + "tick-derived minutes where both exist; each candle says its source (ticks, broker or mixed) and 'sources' lists those used. "
                + "Times without an offset are IST; a bare date is IST midnight. At most Api:Historical:MaxCandles (10,000) candles per request.");

        api.MapGet("/jobs/{id}", GetJob)
            .WithName(nameof(GetJob))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Progress of a backfill job")
            .WithDescription("Status (queued, running, succeeded, failed, cancelled), overall percent, and per instrument how far history was fetched, candles written and errors.");

        var changes = api.MapGroup("").RequireApiKey();
        changes.MapPost("/backfill", Backfill)
            .WithName(nameof(Backfill))
            .WithSummary("Fetch broker history into the candle store")
            .WithDescription(
                "Records a backfill job for the instruments over [from, to) and asks the Ingestor to run it. Returns 202 with "
                + "Location /api/historical/jobs/{id}. from < to ≤ now, at most Api:Historical:MaxBackfillRange (60 days) apart.");

        return api;
    }

    public static async Task<Results<Ok<CandleSeries>, ValidationProblem, ProblemHttpResult>> GetCandles(
        [Description("Instrument id (the token field of GET /api/instruments).")] int? token,
        [Description("Start: ISO-8601 (2026-11-25T09:15:00+05:30), or a date (IST midnight); no offset means IST.")] MarketTime? from,
        [Description("End, exclusive; default now.")] MarketTime? to,
        [Description("1m, 5m, 15m, 1h or 1d (default 1m).")] string? interval,
        [AsParameters] HistoricalServices services,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var code = string.IsNullOrWhiteSpace(interval) ? "1m" : interval.Trim();
        if (!CandleIntervals.TryParse(code, out var candleInterval))
        {
            errors.Add("interval", "interval must be one of 1m, 5m, 15m, 1h, 1d.");
        }
        if (token is not > 0)
        {
            errors.Add("token", "token (a positive instrument id) is required.");
        }
        if (from is null)
        {
            errors.Add("from", "from is required.");
        }
        var end = to?.Value ?? services.TimeProvider.GetUtcNow();
        if (from is { } start && !errors.Any)
        {
            if (end <= start.Value)
            {
                errors.Add("to", "to must be later than from.");
            }
            else if ((end - start.Value).Ticks / Width(candleInterval).Ticks > services.Options.Value.MaxCandles)
            {
                errors.Add("to", $"The range holds more than {services.Options.Value.MaxCandles} {code} candles; narrow from/to or use a wider interval.");
            }
        }
        if (errors.Any)
        {
            return errors.ToProblem("Invalid candle request");
        }

        var instrument = await services.Instruments.GetAsync(token!.Value, cancellationToken);
        if (instrument is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound, title: "Unknown instrument", detail: $"No instrument has token {token}.");
        }
        var candles = await services.Candles.GetCandlesAsync(token.Value, from!.Value.Value, end, candleInterval, cancellationToken);
        var views = candles.Select(candle => new CandleView(
            candle.Bucket, candle.Open, candle.High, candle.Low, candle.Close, candle.Volume, candle.OpenInterest, SourceCode(candle.Source))).ToList();
        return TypedResults.Ok(new CandleSeries(
            token.Value, instrument.Instrument.Exchange, instrument.Instrument.Tradingsymbol, code, from.Value.Value, end,
            views.Select(view => view.Source).Distinct().Order(StringComparer.Ordinal).ToList(), views.Count, views));
    }

    public static async Task<Results<Ok<BackfillJobView>, ProblemHttpResult>> GetJob(
        Guid id, [AsParameters] HistoricalServices services, CancellationToken cancellationToken) =>
        await services.Jobs.GetAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown job", detail: $"No backfill job has id {id}.");

    public static async Task<Results<Accepted<BackfillAccepted>, ValidationProblem>> Backfill(
        BackfillRequest? request, [AsParameters] HistoricalServices services, CancellationToken cancellationToken)
    {
        var settings = services.Options.Value;
        var now = services.TimeProvider.GetUtcNow();
        var errors = new ValidationErrors();
        var code = string.IsNullOrWhiteSpace(request?.Interval) ? "1m" : request.Interval.Trim();
        if (!CandleIntervals.TryParse(code, out _))
        {
            errors.Add("interval", "interval must be one of 1m, 5m, 15m, 1h, 1d.");
        }
        var to = request?.To ?? now;
        if (request?.From is not { } from)
        {
            errors.Add("from", "from is required.");
        }
        else if (from >= now)
        {
            errors.Add("from", "from must be in the past.");
        }
        else if (to > now)
        {
            errors.Add("to", "to must not be in the future.");
        }
        else if (to <= from)
        {
            errors.Add("to", "to must be later than from.");
        }
        else if (to - from > settings.MaxBackfillRange)
        {
            errors.Add("to", $"A backfill covers at most {settings.MaxBackfillRange.TotalDays:0.##} days; split the range into several jobs.");
        }
        var tokens = TokenList.Distinct(request?.Tokens, settings.MaxBackfillTokens, errors);
        if (tokens is not null)
        {
            // History of expired contracts is what a backfill is often for.
            await TokenList.CheckKnownAsync(services.Instruments, tokens, allowExpired: true, errors, cancellationToken);
        }
        if (errors.Any)
        {
            return errors.ToProblem("Invalid backfill request");
        }

        var accepted = await services.Backfills.ScheduleAsync(tokens!, request!.From!.Value, to, code, cancellationToken);
        return TypedResults.Accepted(BackfillScheduler.LinkOf(accepted.JobId), accepted);
    }

    private static TimeSpan Width(CandleInterval interval) => interval switch
    {
        CandleInterval.OneMinute => TimeSpan.FromMinutes(1),
        CandleInterval.FiveMinutes => TimeSpan.FromMinutes(5),
        CandleInterval.FifteenMinutes => TimeSpan.FromMinutes(15),
        CandleInterval.OneHour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    private static string SourceCode(CandleSource source) => source switch
    {
        CandleSource.Broker => "broker",
        CandleSource.Mixed => "mixed",
        _ => "ticks",
    };
}
