using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Brokers;

/// <summary>
/// The daily Kite login under <c>/api/brokers/kite</c>: a redirect to Kite with a one-time state, the callback Kite
/// redirects back to (which takes the state, hands the request token to the Ingestor and waits for the outcome), and the
/// session's status. The browser drives these GETs, so they take no API key; no response ever carries a token.
/// </summary>
public static partial class KiteLoginApi
{
    private const string Broker = "kite";
    private const string LogInAgain = "log in again at /api/brokers/kite/login";

    public static IEndpointRouteBuilder MapKiteLoginApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/brokers/kite").WithTags("Brokers");
        api.MapGet("/login", LoginAsync).WithName("KiteLogin").WithSummary("Redirect to Kite's login page");
        api.MapGet("/callback", CallbackAsync).WithName("KiteLoginCallback").WithSummary("Where Kite redirects after a login; completes the session");
        api.MapGet("/session", GetSessionAsync).WithName("KiteSession").WithSummary("Whether a Kite session is in force, and until when");
        return app;
    }

    public static IHostApplicationBuilder AddKiteLogin(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KiteLoginOptions>().BindConfiguration(KiteLoginOptions.SectionName);
        builder.Services.AddCommandPublisher();
        builder.Services.AddSingleton<BrokerLoginStates>();
        return builder;
    }

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
        var state = await states.IssueAsync(Broker, context);
        // Kite appends redirect_params to its redirect back, so the callback learns which login it completes.
        var redirectParams = Uri.EscapeDataString($"state={state}");
        return TypedResults.Redirect($"{settings.LoginUrl}?v=3&api_key={Uri.EscapeDataString(settings.ApiKey)}&redirect_params={redirectParams}");
    }

    private static async Task<Results<Ok<KiteLoginResponse>, ValidationProblem, ProblemHttpResult>> CallbackAsync(
        [FromQuery(Name = "request_token")] string? requestToken,
        [FromQuery] string? status,
        [FromQuery] string? state,
        [AsParameters] KiteLoginServices services,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(requestToken) || !RequestTokenPattern().IsMatch(requestToken))
        {
            return Invalid("request_token", "Kite's redirect must carry a request_token of letters and digits.");
        }
        if (!string.Equals(status, "success", StringComparison.Ordinal))
        {
            return Invalid("status", $"Kite reported the login as '{status}', not 'success'; {LogInAgain}.");
        }
        // Only the browser that started a login may complete it, once: a request token from anyone else never reaches the Ingestor.
        if (!await services.States.TryTakeAsync(Broker, state, context))
        {
            return Invalid("state", $"The login's state is missing, unknown, expired, already used or from another browser; {LogInAgain}.");
        }

        var correlationId = Guid.NewGuid().ToString("N");
        await services.Publisher.PublishAsync(CommandKind.BrokerSession, new BrokerSessionCommand(requestToken, correlationId, Broker), cancellationToken);

        return await BrokerSessions.WaitForResultAsync(services.Redis, correlationId, services.Options.Value.CallbackTimeout, services.Time, cancellationToken) switch
        {
            { Succeeded: true } result => TypedResults.Ok(new KiteLoginResponse(true, result.ExpiresAt, $"Logged in to Kite until 06:00 IST ({BrokerSessions.Ist(result.ExpiresAt)}).")),
            { RequestTokenRefused: true } result => Invalid("request_token", $"{result.Error} A request token works once, for a few minutes; {LogInAgain}."),
            { } result => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status502BadGateway, title: "Kite login failed"),
            null => TypedResults.Problem(
                $"The Ingestor did not complete the login within {services.Options.Value.CallbackTimeout.TotalSeconds:0} s; check GET /api/brokers/kite/session, or {LogInAgain}.",
                statusCode: StatusCodes.Status504GatewayTimeout, title: "Kite login is still pending"),
        };
    }

    private static async Task<Ok<BrokerSessionStatus>> GetSessionAsync(IConnectionMultiplexer redis, TimeProvider time) =>
        TypedResults.Ok(await BrokerSessions.ReadStatusAsync(redis, Broker, $"Kite access token expired at 06:00 IST; {LogInAgain}", time));

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid Kite callback: {field}");

    [GeneratedRegex("^[A-Za-z0-9]{1,128}$")]
    private static partial Regex RequestTokenPattern();
}

/// <summary>The callback's answer after a successful login; it never holds a token.</summary>
public sealed record KiteLoginResponse(bool LoggedIn, DateTimeOffset? ExpiresAt, string Message);

/// <summary>Services the login callback uses.</summary>
public sealed record KiteLoginServices(
    CommandPublisher Publisher, IConnectionMultiplexer Redis, BrokerLoginStates States, IOptions<KiteLoginOptions> Options, TimeProvider Time);
