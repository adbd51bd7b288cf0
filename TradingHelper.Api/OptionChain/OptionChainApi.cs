using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TradingHelper.Api.Validation;
using TradingHelper.Core.Market;
using TradingHelper.Core.Streaming;

namespace TradingHelper.Api.OptionChain;

/// <summary>Route <c>/api/option-chain</c>: every strike of an expiry with calls and puts side by side, live or at a past minute.</summary>
public static class OptionChainApi
{
    private static readonly DateTimeOffset IstEpoch = new(2000, 1, 1, 0, 0, 0, IndianMarket.IstOffset);

    public static RouteGroupBuilder MapOptionChainApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/option-chain").WithTags("Option chain");

        api.MapGet("", GetOptionChain)
            .WithName(nameof(GetOptionChain))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The option chain of an expiry")
            .WithDescription(
                "Per strike, the call and the put: last price, OI and OI change since the previous day's close, day volume, best "
                + "bid/ask, implied volatility (Black–Scholes on the index level, no dividends, continuously compounded rate "
                + "Api:OptionChain:RiskFreeRate, 365-day years to 15:30 IST on the expiry day) and delta, and the build-up their price "
                + "and OI changes read as. Totals: put–call ratio by OI and by volume, max pain, the at-the-money strike. Without "
                + "'at' the chain is live (latest quotes from Redis, stored ticks where an instrument has none); with 'at' it is "
                + "the chain at the close of that minute from the stored ticks.");

        return api;
    }

    public static async Task<Results<Ok<OptionChainView>, ValidationProblem, ProblemHttpResult>> GetOptionChain(
        [Description("The options' underlying as instruments name it: NIFTY, BANKNIFTY, …")] string? underlying,
        [Description("Expiry date, yyyy-MM-dd.")] string? expiry,
        [Description("A past minute: ISO-8601 (2026-11-25T10:30+05:30) or, without an offset, IST. The chain as it stood at that minute's close. Omit for live.")] MarketTime? at,
        [AsParameters] OptionChainServices services,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = underlying?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add("underlying", "underlying (for example NIFTY) is required.");
        }
        if (!DateOnly.TryParseExact(expiry?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expiryDate))
        {
            errors.Add("expiry", "expiry is required as a date, yyyy-MM-dd.");
        }
        var now = services.TimeProvider.GetUtcNow();
        DateTimeOffset? asOf = null;
        if (at is { } minute)
        {
            var start = new DateTimeOffset(minute.Value.UtcTicks - (minute.Value.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
            if (start > now)
            {
                errors.Add("at", "at must not be in the future; omit it for the live chain.");
            }
            asOf = start.AddMinutes(1) < now ? start.AddMinutes(1) : now;
        }
        if (errors.Any)
        {
            return errors.ToProblem("Invalid option chain request");
        }

        var instant = asOf ?? now;
        var dayOpens = DayOpens(instant);
        var options = services.Options.Value;
        var index = options.Indices.GetValueOrDefault(name!);
        var (contracts, spot) = await services.Store.GetAsync(name!, expiryDate, instant, dayOpens, index, cancellationToken);
        if (contracts.Count == 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "No such expiry",
                detail: $"No CE or PE of underlying '{name}' expires on {expiryDate:yyyy-MM-dd}; list them with GET /api/instruments?underlying={name}&type=CE,PE.");
        }
        if (asOf is null)
        {
            (contracts, spot) = await WithLiveQuotesAsync(services.LiveQuotes, contracts, spot, dayOpens, cancellationToken);
        }
        return TypedResults.Ok(OptionChainAnalysis.Build(name!, expiryDate, instant, asOf is null ? "live" : "stored", contracts, spot, options.RiskFreeRate));
    }

    // The IST day the chain belongs to; an instant is exclusive, so midnight belongs to the day before.
    private static DateTimeOffset DayOpens(DateTimeOffset instant)
    {
        var days = (instant.AddTicks(-1) - IstEpoch).Ticks / TimeSpan.TicksPerDay;
        return IstEpoch.AddDays(days).ToUniversalTime();
    }

    // A live quote replaces the stored one when it belongs to the chain's day and is not older: Redis keeps the last
    // quote of every instrument ever ticked, and yesterday's must not pass for today's.
    private static async Task<(IReadOnlyList<ChainContract>, ChainSpot?)> WithLiveQuotesAsync(
        LiveChainQuotes live, IReadOnlyList<ChainContract> contracts, ChainSpot? spot, DateTimeOffset dayOpens, CancellationToken cancellationToken)
    {
        var tokens = new List<int>(contracts.Count + 1);
        foreach (var contract in contracts)
        {
            tokens.Add(contract.Token);
        }
        if (spot is not null)
        {
            tokens.Add(spot.Token);
        }
        var quotes = await live.GetAsync(tokens, cancellationToken);
        var merged = new List<ChainContract>(contracts.Count);
        foreach (var contract in contracts)
        {
            merged.Add(quotes.TryGetValue(contract.Token, out var tick) && IsNewer(tick, contract.Quote?.Time, dayOpens)
                ? contract with { Quote = new ChainQuote(tick.Time, tick.Ltp, tick.Volume, tick.Oi, tick.Bid, tick.BidQty, tick.Ask, tick.AskQty) }
                : contract);
        }
        if (spot is not null && quotes.TryGetValue(spot.Token, out var level) && IsNewer(level, spot.Time, dayOpens))
        {
            spot = spot with { Price = level.Ltp, Time = level.Time };
        }
        return (merged, spot);
    }

    private static bool IsNewer(in LiveTick tick, DateTimeOffset? stored, DateTimeOffset dayOpens) =>
        tick.Time >= dayOpens && (stored is null || tick.Time >= stored.Value);
}
