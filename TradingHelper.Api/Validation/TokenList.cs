using TradingHelper.Api.Instruments;

namespace TradingHelper.Api.Validation;

/// <summary>Checks a request's <c>tokens</c>: present, within the cap, positive, and naming instruments that exist.</summary>
internal static class TokenList
{
    public const string Field = "tokens";

    /// <summary>The distinct tokens in request order, or null after recording why the list is unusable.</summary>
    public static int[]? Distinct(int[]? tokens, int max, ValidationErrors errors)
    {
        if (tokens is not { Length: > 0 })
        {
            errors.Add(Field, "At least one instrument id is required.");
            return null;
        }
        var distinct = tokens.Distinct().ToArray();
        if (distinct.Length > max)
        {
            errors.Add(Field, $"At most {max} instruments per request; got {distinct.Length}.");
            return null;
        }
        var invalid = distinct.Where(token => token <= 0).ToArray();
        if (invalid.Length > 0)
        {
            errors.Add(Field, $"Instrument ids are positive integers; invalid: {string.Join(", ", invalid)}.");
            return null;
        }
        return distinct;
    }

    /// <summary>Records the tokens that name no instrument and, unless <paramref name="allowExpired"/>, the expired ones.</summary>
    public static async Task CheckKnownAsync(InstrumentStore store, int[] tokens, bool allowExpired, ValidationErrors errors, CancellationToken cancellationToken)
    {
        var known = await store.GetExpiryStateAsync(tokens, cancellationToken);
        var unknown = tokens.Where(token => !known.ContainsKey(token)).ToArray();
        if (unknown.Length > 0)
        {
            errors.Add(Field, $"Unknown instrument ids: {Join(unknown)}.");
        }
        var expired = allowExpired ? [] : tokens.Where(token => known.TryGetValue(token, out var isExpired) && isExpired).ToArray();
        if (expired.Length > 0)
        {
            errors.Add(Field, $"Expired instruments cannot be subscribed: {Join(expired)}.");
        }
    }

    // A long list of bad ids is cut short: the message stays readable and the response small.
    private static string Join(int[] tokens) =>
        tokens.Length <= 50 ? string.Join(", ", tokens) : $"{string.Join(", ", tokens.Take(50))} and {tokens.Length - 50} more";
}
