using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace TradingHelper.Api.Validation;

/// <summary>
/// Turns a request the framework could not bind (a query value of the wrong type, JSON that does not fit the body)
/// into a 400 validation problem keyed by the field, instead of a bare 400 that leaves the client guessing.
/// </summary>
internal sealed partial class BindingFailureHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } badRequest || httpContext.Response.HasStarted)
        {
            return false;
        }

        var (field, message) = Describe(badRequest);
        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = $"Invalid {field}",
            },
        });
    }

    private static (string Field, string Message) Describe(BadHttpRequestException badRequest)
    {
        if (badRequest.InnerException is JsonException json)
        {
            // STJ's path names the offending member as the client wrote it, e.g. "$.tokens[2]".
            var path = json.Path is { Length: > 2 } jsonPath && jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : "body";
            return (path, $"The JSON at '{json.Path ?? "$"}' does not have the expected type or shape.");
        }
        var match = ParameterName().Match(badRequest.Message);
        if (!match.Success)
        {
            return ("request", badRequest.Message);
        }
        var name = match.Groups["name"].Value;
        var field = char.ToLowerInvariant(name[0]) + name[1..];
        return (field, match.Groups["value"].Success
            ? $"'{match.Groups["value"].Value}' is not a valid {Describe(match.Groups["type"].Value)}."
            : $"{field} is required.");
    }

    private static string Describe(string type) => Unwrap(type) switch
    {
        "int" or "long" or "Int32" or "Int64" => "integer",
        "bool" or "Boolean" => "boolean (true or false)",
        "DateOnly" => "date (yyyy-MM-dd)",
        "Guid" => "id (a GUID)",
        "MarketTime" => "time (ISO-8601 such as 2026-11-25T09:15:00+05:30, or a date; no offset means IST)",
        var other => other,
    };

    private static string Unwrap(string type) =>
        type.StartsWith("Nullable<", StringComparison.Ordinal) && type.EndsWith('>') ? type["Nullable<".Length..^1] : type.TrimEnd('?');

    // Framework messages: Failed to bind parameter "int page" from "x".  /  Required parameter "int token" was not provided ...
    [GeneratedRegex("""parameter "(?<type>[^"\s]+) (?<name>[A-Za-z_][A-Za-z0-9_]*)"(?: from "(?<value>[^"]*)")?""")]
    private static partial Regex ParameterName();
}
