using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Brokers;

/// <summary>
/// The daily Fyers login under <c>/api/brokers/fyers</c>: a redirect to Fyers' <c>generate-authcode</c> with a one-time state,
/// the callback Fyers redirects back to (which takes the state, hands the auth code to the Ingestor and waits for the
/// outcome), and the session's status. The browser drives these GETs, so they take no API key; no response carries a token.
/// </summary>
public static partial class FyersLoginApi
{
    private const string Broker = "fyers";
    private const string LogInAgain = "log in again at /api/brokers/fyers/login";

    public static IEndpointRouteBuilder MapFyersLoginApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/brokers/fyers").WithTags("Brokers");
        api.MapGet("/login", LoginAsync).WithName("FyersLogin").WithSummary("Redirect to Fyers' login page");
        api.MapGet("/callback", CallbackAsync).WithName("FyersLoginCallback").WithSummary("Where Fyers redirects after a login; completes the session");
        api.MapGet("/session", GetSessionAsync).WithName("FyersSession").WithSummary("Whether a Fyers session is in force, and until when");
        return app;
    }

    public static IHostApplicationBuilder AddFyersLogin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FyersLoginOptions>().BindConfiguration(FyersLoginOptions.SectionName);
        builder.Services.AddCommandPublisher();
        builder.Services.AddSingleton<BrokerLoginStates>();
        return builder;
    }

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
        var state = await states.IssueAsync(Broker, context);
        var redirect = settings.RedirectUrl?.ToString() ?? $"{context.Request.Scheme}://{context.Request.Host}/api/brokers/fyers/callback";
        return TypedResults.Redirect(
            $"{settings.LoginUrl}?client_id={Uri.EscapeDataString(settings.AppId)}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&state={state}");
    }

    private static async Task<Results<Ok<FyersLoginResponse>, ValidationProblem, ProblemHttpResult>> CallbackAsync(
        [FromQuery(Name = "auth_code")] string? authCode,
        [FromQuery] string? s,
        [FromQuery] string? state,
        [AsParameters] FyersLoginServices services,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!string.Equals(s, "ok", StringComparison.Ordinal))
        {
            return Invalid("s", $"Fyers reported the login as '{s}', not 'ok'; {LogInAgain}.");
        }
        if (string.IsNullOrWhiteSpace(authCode) || !AuthCodePattern().IsMatch(authCode))
        {
            return Invalid("auth_code", "Fyers' redirect must carry an auth_code (a JWT: base64url parts separated by dots).");
        }
        // Only the browser that started a login may complete it, once: an auth code from anyone else never reaches the Ingestor.
        if (!await services.States.TryTakeAsync(Broker, state, context))
        {
            return Invalid("state", $"The login's state is missing, unknown, expired, already used or from another browser; {LogInAgain}.");
        }

        var correlationId = Guid.NewGuid().ToString("N");
        await services.Publisher.PublishAsync(CommandKind.BrokerSession, new BrokerSessionCommand(authCode, correlationId, Broker), cancellationToken);

        return await BrokerSessions.WaitForResultAsync(services.Redis, correlationId, services.Options.Value.CallbackTimeout, services.Time, cancellationToken) switch
        {
            { Succeeded: true } result => TypedResults.Ok(new FyersLoginResponse(true, result.ExpiresAt, $"Logged in to Fyers until {BrokerSessions.Ist(result.ExpiresAt)}.")),
            { RequestTokenRefused: true } result => Invalid("auth_code", $"{result.Error} An auth code works once, for a few minutes; {LogInAgain}."),
            { } result => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status502BadGateway, title: "Fyers login failed"),
            null => TypedResults.Problem(
                $"The Ingestor did not complete the login within {services.Options.Value.CallbackTimeout.TotalSeconds:0} s; check GET /api/brokers/fyers/session, or {LogInAgain}.",
                statusCode: StatusCodes.Status504GatewayTimeout, title: "Fyers login is still pending"),
        };
    }

    private static async Task<Ok<BrokerSessionStatus>> GetSessionAsync(IConnectionMultiplexer redis, TimeProvider time) =>
        TypedResults.Ok(await BrokerSessions.ReadStatusAsync(redis, Broker, $"Fyers access token expired; {LogInAgain}", time));

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid Fyers callback: {field}");

    [GeneratedRegex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){0,2}$")]
    private static partial Regex AuthCodePattern();
}
