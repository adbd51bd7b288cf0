using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace TradingHelper.Api.Brokers;

/// <summary>
/// The daily Fyers login under <c>/api/brokers/fyers</c>: a redirect to Fyers' <c>generate-authcode</c> with a one-time state,
/// the callback Fyers redirects back to (which takes the state, hands the auth code to the Ingestor and waits for the
/// outcome), and the session's status. The browser drives these GETs, so they take no API key; no response carries a token.
/// </summary>
public static partial class FyersLoginApi
{
    private static readonly BrokerLogin Login = new("fyers", "Fyers", "auth_code", "An auth code", BrokerSessions.Ist);

    public static IEndpointRouteBuilder MapFyersLoginApi(this IEndpointRouteBuilder app)
    {
        app.MapBrokerLogin(Login, LoginAsync, CallbackAsync, $"Fyers access token expired; {Login.LogInAgain}");
        return app;
    }

    public static IHostApplicationBuilder AddFyersLogin(this IHostApplicationBuilder builder) =>
        builder.AddBrokerLogin<FyersLoginOptions>(FyersLoginOptions.SectionName);

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> LoginAsync(
        IOptions<FyersLoginOptions> options, BrokerLoginStates states, HttpContext context)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.AppId))
        {
            return TypedResults.Problem(
                "Fyers:AppId is not configured for the Api; set it (environment variable Fyers__AppId) to the App ID of your Fyers API app.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Fyers login is not configured");
        }
        var state = await states.IssueAsync(Login.Broker, context);
        var redirect = settings.RedirectUrl?.ToString() ?? $"{context.Request.Scheme}://{context.Request.Host}/api/brokers/fyers/callback";
        return TypedResults.Redirect(
            $"{settings.LoginUrl}?client_id={Uri.EscapeDataString(settings.AppId)}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&state={state}");
    }

    private static async Task<Results<Ok<BrokerLoginResponse>, ValidationProblem, ProblemHttpResult>> CallbackAsync(
        [FromQuery(Name = "auth_code")] string? authCode,
        [FromQuery] string? s,
        [FromQuery] string? state,
        [AsParameters] BrokerLoginServices services,
        IOptions<FyersLoginOptions> options,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(s, "ok", StringComparison.Ordinal))
        {
            return BrokerSessions.Invalid(Login, "s", $"Fyers reported the login as '{s}', not 'ok'; {Login.LogInAgain}.");
        }
        if (string.IsNullOrWhiteSpace(authCode) || !AuthCodePattern().IsMatch(authCode))
        {
            return BrokerSessions.Invalid(Login, "auth_code", "Fyers' redirect must carry an auth_code (a JWT: base64url parts separated by dots).");
        }
        return await BrokerSessions.CompleteAsync(Login, authCode, state, services, options.Value.CallbackTimeout, context, cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){0,2}$")]
    private static partial Regex AuthCodePattern();
}
