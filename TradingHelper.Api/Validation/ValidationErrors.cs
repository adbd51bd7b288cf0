using Microsoft.AspNetCore.Http.HttpResults;

namespace TradingHelper.Api.Validation;

/// <summary>Collects what is wrong with a request, keyed by the query or JSON field name a client sent.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }
        messages.Add(message);
    }

    public ValidationProblem ToProblem(string title) =>
        TypedResults.ValidationProblem(_errors.ToDictionary(error => error.Key, error => error.Value.ToArray()), title: title);

    /// <summary>A single-field validation problem.</summary>
    public static ValidationProblem Problem(string field, string message, string title)
    {
        var errors = new ValidationErrors();
        errors.Add(field, message);
        return errors.ToProblem(title);
    }
}
