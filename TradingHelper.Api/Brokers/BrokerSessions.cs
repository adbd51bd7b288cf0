using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;

namespace TradingHelper.Api.Brokers;

/// <summary>What every broker's login routes share: waiting for the Ingestor's outcome and reading the session's status.</summary>
public static class BrokerSessions
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Maps <c>/api/brokers/{broker}/login</c>, <c>/callback</c> and <c>/session</c>; the session route reports what the
    /// Ingestor published, with <paramref name="expiredProblem"/> once the expiry passed.
    /// </summary>
    public static RouteGroupBuilder MapBrokerLogin(this IEndpointRouteBuilder app, BrokerLogin login, Delegate redirect, Delegate callback, string expiredProblem)
    {
        ArgumentNullException.ThrowIfNull(login);
        var name = login.DisplayName;
        var api = app.MapGroup($"api/brokers/{login.Broker}").WithTags("Brokers");
        api.MapGet("/login", redirect).WithName($"{name}Login").WithSummary($"Redirect to the {name} login page");
        api.MapGet("/callback", callback).WithName($"{name}LoginCallback").WithSummary($"Where {name} redirects after a login; completes the session");
        api.MapGet("/session", async (IConnectionMultiplexer redis, TimeProvider time) =>
                TypedResults.Ok(await ReadStatusAsync(redis, login.Broker, expiredProblem, time)))
            .WithName($"{name}Session").WithSummary($"Whether a {name} session is in force, and until when");
        return api;
    }

    /// <summary>What every login needs: its options (<typeparamref name="TOptions"/> from <paramref name="section"/>), the command publisher and the states.</summary>
    public static IHostApplicationBuilder AddBrokerLogin<TOptions>(this IHostApplicationBuilder builder, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<TOptions>().BindConfiguration(section);
        builder.Services.AddCommandPublisher();
        builder.Services.AddSingleton<BrokerLoginStates>();
        return builder;
    }

    /// <summary>
    /// Completes a callback: takes the state (this browser's login, once), hands the code to the Ingestor over the command
    /// stream and answers with the outcome it writes, or 504 when none comes within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<Results<Ok<BrokerLoginResponse>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        BrokerLogin login, string code, string? state, BrokerLoginServices services, TimeSpan timeout, HttpContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(login);
        ArgumentNullException.ThrowIfNull(services);
        // Only the browser that started a login may complete it, once: a code from anyone else never reaches the Ingestor.
        if (!await services.States.TryTakeAsync(login.Broker, state, context))
        {
            return Invalid(login, "state", $"The login's state is missing, unknown, expired, already used or from another browser; {login.LogInAgain}.");
        }

        var correlationId = Guid.NewGuid().ToString("N");
        await services.Publisher.PublishAsync(CommandKind.BrokerSession, new BrokerSessionCommand(code, correlationId, login.Broker), cancellationToken);

        return await WaitForResultAsync(services.Redis, correlationId, timeout, services.Time, cancellationToken) switch
        {
            { Succeeded: true } result => TypedResults.Ok(new BrokerLoginResponse(true, result.ExpiresAt, $"Logged in to {login.DisplayName} until {login.Until(result.ExpiresAt)}.")),
            { RequestTokenRefused: true } result => Invalid(login, login.CodeField, $"{result.Error} {login.CodeNoun} works once, for a few minutes; {login.LogInAgain}."),
            { } result => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status502BadGateway, title: $"{login.DisplayName} login failed"),
            null => TypedResults.Problem(
                $"The Ingestor did not complete the login within {timeout.TotalSeconds:0} s; check GET /api/brokers/{login.Broker}/session, or {login.LogInAgain}.",
                statusCode: StatusCodes.Status504GatewayTimeout, title: $"{login.DisplayName} login is still pending"),
        };
    }

    /// <summary>A callback's bad input, naming the field.</summary>
    public static ValidationProblem Invalid(BrokerLogin login, string field, string message)
    {
        ArgumentNullException.ThrowIfNull(login);
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid {login.DisplayName} callback: {field}");
    }

    /// <summary>The outcome the Ingestor wrote for the login command <paramref name="correlationId"/>, or null when none came within <paramref name="timeout"/>.</summary>
    private static async Task<BrokerSessionResult?> WaitForResultAsync(
        IConnectionMultiplexer redis, string correlationId, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var deadline = time.GetUtcNow() + timeout;
        while (time.GetUtcNow() < deadline)
        {
            if ((string?)await database.StringGetAsync(BrokerSessionKeys.Result(correlationId)) is { } json
                && JsonSerializer.Deserialize<BrokerSessionResult>(json, CommandJson.Options) is { } result)
            {
                return result;
            }
            await Task.Delay(PollInterval, time, cancellationToken);
        }
        return null;
    }

    /// <summary>The session's status as the Ingestor last published it; an expiry that passed since counts as one.</summary>
    private static async Task<BrokerSessionStatus> ReadStatusAsync(IConnectionMultiplexer redis, string broker, string expiredProblem, TimeProvider time)
    {
        var json = (string?)await redis.GetDatabase().StringGetAsync(BrokerSessionKeys.Status(broker));
        var status = json is null ? null : JsonSerializer.Deserialize<BrokerSessionStatus>(json, CommandJson.Options);
        // An expiry that passed while no Ingestor was there to say so is still an expiry.
        if (status is { Valid: true, ExpiresAt: { } expiresAt } && expiresAt <= time.GetUtcNow())
        {
            status = status with { Valid = false, Problem = expiredProblem };
        }
        return status ?? new BrokerSessionStatus(false, null, $"No {broker} session has been reported by an Ingestor yet.", time.GetUtcNow());
    }

    /// <summary>An instant as IST wall-clock time for messages.</summary>
    public static string Ist(DateTimeOffset? instant) =>
        instant?.ToOffset(IndianMarket.IstOffset).ToString("yyyy-MM-dd HH:mm 'IST'", CultureInfo.InvariantCulture) ?? "unknown";
}
