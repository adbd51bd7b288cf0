using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Brokers;
using TradingHelper.Core.Commands;
using TradingHelper.Core.Market;

namespace TradingHelper.Api.Market;

/// <summary>
/// Route <c>/api/market</c>: whether the prices are NSE's or the market simulator's, whether the market trades now, and
/// whether the Ingestor's feed streams, for pages that must say why prices stand still.
/// </summary>
public static class MarketApi
{
    public const string KiteLogin = "/api/brokers/kite/login";

    public const string FyersLogin = "/api/brokers/fyers/login";

    public static RouteGroupBuilder MapMarketApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/market").WithTags("Market");

        api.MapGet("", GetMarketAsync)
            .WithName("GetMarket")
            .WithSummary("Where prices come from, whether the market is open, whether the feed streams")
            .WithDescription("`market` is `simulated` when the Ingestor streams the built-in market simulator, `exchange` when a broker streams NSE. "
                + "`session` is open or closed by `Broker:MarketHours` (NSE: 09:15–15:30 IST, Monday to Friday; exchange holidays are not known), "
                + "with the next open in IST. `feed` is the Ingestor's latest report: `live`, `idle`, `disconnected`, `login-needed` or `no-ingestor`.");

        return api;
    }

    public static async Task<Ok<MarketView>> GetMarketAsync([AsParameters] MarketServices services)
    {
        var options = services.Options.Value;
        var session = SessionOf(options, services.Time.GetUtcNow());
        var feed = await FeedOfAsync(options.Kind, services);
        return TypedResults.Ok(new MarketView(options.Kind, MarketHealthChecks.MarketOf(options.Kind), session, feed));
    }

    private static MarketSessionView SessionOf(MarketOptions options, DateTimeOffset now)
    {
        var hours = MarketHours.Resolve(options.MarketHours, options.Kind);
        var simulated = options.Kind == MarketHealthChecks.SimulatorBroker;
        if (hours.IsAroundTheClock)
        {
            return new MarketSessionView("open", "always", null, null, null, simulated
                ? "Open (simulated, around the clock): the market simulator never closes, and its prices are not NSE's"
                : "Treated as open around the clock (Broker:MarketHours=always); NSE itself trades 09:15–15:30 IST, Monday to Friday");
        }
        var session = hours.SessionAt(now);
        var opensAt = session.OpensAt!.Value.ToOffset(IndianMarket.IstOffset);
        var closesAt = session.ClosesAt!.Value.ToOffset(IndianMarket.IstOffset);
        var market = simulated ? "The simulated market" : "NSE";
        var (state, reason, description) = session.Closure switch
        {
            null => ("open", null, $"{market} is open until {Ist(closesAt, "HH:mm")} IST (exchange holidays are not known)"),
            MarketClosure.Weekend => ("closed", "weekend", $"{market} is closed for the weekend; opens {Ist(opensAt, "ddd dd MMM HH:mm")} IST"),
            MarketClosure.BeforeOpen => ("closed", "before-open", $"{market} is closed; opens {Ist(opensAt, "ddd dd MMM HH:mm")} IST"),
            _ => ("closed", "after-close", $"{market} closed at {Ist(IndianMarket.SessionClose)} IST; opens {Ist(opensAt, "ddd dd MMM HH:mm")} IST"),
        };
        return new MarketSessionView(state, "nse", reason, opensAt, closesAt, description);
    }

    private static async Task<MarketFeedView> FeedOfAsync(string broker, MarketServices services)
    {
        var json = (string?)await services.Redis.GetDatabase().StringGetAsync(FeedReportKeys.Report(broker));
        if (json is null || JsonSerializer.Deserialize<FeedReport>(json, CommandJson.Options) is not { } report)
        {
            return new MarketFeedView("no-ingestor", "No Ingestor has reported its broker feed for a while: none is running, or it cannot reach Redis", null, null, null);
        }
        var state = report.State switch
        {
            FeedState.Idle => "idle",
            FeedState.Live => "live",
            FeedState.Disconnected => "disconnected",
            _ => "login-needed",
        };
        var login = report.State != FeedState.LoginNeeded ? null : broker == "fyers" ? FyersLogin : KiteLogin;
        return new MarketFeedView(state, report.Reason, report.LastTickAt, report.ReportedAt, login);
    }

    private static string Ist(DateTimeOffset instant, string format) => instant.ToString(format, CultureInfo.InvariantCulture);

    private static string Ist(TimeSpan timeOfDay) => timeOfDay.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
