using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TradingHelper.Api.Validation;

namespace TradingHelper.Api.Quotes;

/// <summary>Route <c>/api/quotes</c>: the day's standing of many instruments at once, for a watchlist.</summary>
public static class QuotesApi
{
    public static RouteGroupBuilder MapQuotesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/quotes").WithTags("Quotes");

        api.MapGet("", GetQuotes)
            .WithName(nameof(GetQuotes))
            .WithSummary("Day quotes of several instruments")
            .WithDescription(
                "Per instrument, from the candle store: its trading day (the IST day of its latest one-minute candle), the latest "
                + "close, the previous close (the close of the last one-minute candle before that day), the change % between them, "
                + "the day's volume (the session rise of the cumulative volume, as candles() counts it) and the latest OI. Broker "
                + "history wins over tick-derived minutes, as in candles(). Ids that name no instrument are left out. Live prices "
                + "follow over WS /api/ws/ticks.");

        return api;
    }

    public static async Task<Results<Ok<DayQuoteList>, ValidationProblem>> GetQuotes(
        [Description("Instrument ids, comma-separated (the token field of GET /api/instruments), at most Api:Quotes:MaxTokensPerRequest (500).")] string? tokens,
        DayQuoteStore store,
        IOptions<QuoteOptions> options,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var parsed = Parse(tokens, errors);
        var ids = errors.Any ? null : TokenList.Distinct(parsed, options.Value.MaxTokensPerRequest, errors);
        if (ids is null)
        {
            return errors.ToProblem("Invalid quote request");
        }
        var quotes = await store.GetAsync(ids, cancellationToken);
        return TypedResults.Ok(new DayQuoteList(quotes.Count, quotes));
    }

    private static int[]? Parse(string? tokens, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(tokens))
        {
            return null;
        }
        var parts = tokens.Split(',', StringSplitOptions.TrimEntries);
        var ids = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ids[i]))
            {
                errors.Add(TokenList.Field, $"'{Shorten(parts[i])}' is not an instrument id; send positive integers separated by commas.");
                return null;
            }
        }
        return ids;
    }

    // The bad value goes back in the message; a long one is cut so the answer stays small.
    private static string Shorten(string value) => value.Length <= 20 ? value : $"{value[..20]}…";
}
