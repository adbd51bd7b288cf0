using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace TradingHelper.Api.Brokers;

/// <summary>
/// The daily Kite login under <c>/api/brokers/kite</c>: a redirect to Kite with a one-time state, the callback Kite
/// redirects back to (which takes the state, hands the request token to the Ingestor and waits for the outcome), and the
/// session's status. The browser drives these GETs, so they take no API key; no response ever carries a token.
/// </summary>
public static partial class KiteLoginApi
{
    private static readonly BrokerLogin Login = new("kite", "Kite", "request_token", "A request token",
        expiresAt => $"06:00 IST ({BrokerSessions.Ist(expiresAt)})");

    public static IEndpointRouteBuilder MapKiteLoginApi(this IEndpointRouteBuilder app)
    {
        app.MapBrokerLogin(Login, LoginAsync, CallbackAsync, $"Kite access token expired at 06:00 IST; {Login.LogInAgain}");
        return app;
    }

    public static IHostApplicationBuilder AddKiteLogin(this IHostApplicationBuilder builder) =>
        builder.AddBrokerLogin<KiteLoginOptions>(KiteLoginOptions.SectionName);

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> LoginAsync(
        IOptions<KiteLoginOptions> options, BrokerLoginStates states, HttpContext context)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.ApiKey))
        {
            return TypedResults.Problem(
                "Kite:ApiKey is not configured for the Api; set it (environment variable Kite__ApiKey) to the api_key of your Kite Connect app.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Kite login is not configured");
        }
        var state = await states.IssueAsync(Login.Broker, context);
        // Kite appends redirect_params to its redirect back, so the callback learns which login it completes.
        var redirectParams = Uri.EscapeDataString($"state={state}");
        return TypedResults.Redirect($"{settings.LoginUrl}?v=3&api_key={Uri.EscapeDataString(settings.ApiKey)}&redirect_params={redirectParams}");
    }

    private static async Task<Results<Ok<BrokerLoginResponse>, ValidationProblem, ProblemHttpResult>> CallbackAsync(
        [FromQuery(Name = "request_token")] string? requestToken,
        [FromQuery] string? status,
        [FromQuery] string? state,
        [AsParameters] BrokerLoginServices services,
        IOptions<KiteLoginOptions> options,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(requestToken) || !RequestTokenPattern().IsMatch(requestToken))
        {
            return BrokerSessions.Invalid(Login, "request_token", "Kite's redirect must carry a request_token of letters and digits.");
        }
        if (!string.Equals(status, "success", StringComparison.Ordinal))
        {
            return BrokerSessions.Invalid(Login, "status", $"Kite reported the login as '{status}', not 'success'; {Login.LogInAgain}.");
        }
        return await BrokerSessions.CompleteAsync(Login, requestToken, state, services, options.Value.CallbackTimeout, context, cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,128}$")]
    private static partial Regex RequestTokenPattern();
}
