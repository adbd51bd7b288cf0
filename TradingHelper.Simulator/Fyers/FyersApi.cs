using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Market;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Fyers;

/// <summary>Fyers' data socket at <c>/hsm/v1-5/prod</c>, its history endpoint, its symbol master and a token issuer for tests.</summary>
internal static class FyersApi
{
    public const string DataSocketPath = "/hsm/v1-5/prod";

    public static WebApplication MapFyers(this WebApplication app)
    {
        // UseWebSockets is added by the Kite ticker's mapping, which runs first.
        app.Map(DataSocketPath, AcceptAsync).WithName("FyersDataSocket").WithSummary("Fyers binary data socket (HSM)").WithTags("Fyers");
        app.MapGet("/data/history", GetHistory).WithName("FyersHistory").WithSummary("Fyers historical candles").WithTags("Fyers");
        app.MapGet("/sym_details/{file}", GetSymbolMaster).WithName("FyersSymbolMaster").WithSummary("Fyers symbol master CSV (NSE_CM.csv, NSE_FO.csv)").WithTags("Fyers");
        app.MapGet("/api/v3/generate-authcode", GenerateAuthCode).WithName("FyersGenerateAuthCode")
            .WithSummary("Fyers' login page, already signed in: redirects to redirect_uri with an auth_code and the state").WithTags("Fyers");
        app.MapPost("/api/v3/validate-authcode", ValidateAuthCode).WithName("FyersValidateAuthCode")
            .WithSummary("Exchange an auth code and the appIdHash for the day's access token").WithTags("Fyers");
        app.MapPost("/_sim/fyers/token", (FyersAccessTokens tokens) => TypedResults.Ok(new FyersTokenResponse(tokens.Issue())))
            .WithName("FyersIssueToken").WithSummary("Issue an APP_ID:JWT access token whose hsm_key the data socket accepts").WithTags("Simulator");
        return app;
    }

    private static async Task AcceptAsync(HttpContext context, FyersConnections connections)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(
                detail: "The Fyers data socket speaks WebSocket only; authenticate with the binary auth frame after the upgrade.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "Expected a WebSocket upgrade").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        // Authentication is in-band (the hsm_key in the first binary frame); the upgrade itself carries nothing.
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        await connections.ServeAsync(socket, context.RequestAborted).ConfigureAwait(false);
    }

    private static IResult GetHistory(
        string? symbol, string? resolution, string? date_format, string? range_from, string? range_to, string? oi_flag, HttpRequest request,
        FyersSymbology symbology, HistoricalCandles history, FyersAccessTokens tokens, FaultInjector faults, FyersHistoryMeter meter,
        IOptions<SimulatorOptions> options, TimeProvider time)
    {
        // Counted on arrival, before anything else, as Fyers counts every request against the key.
        var limits = options.Value;
        if (meter.Record(time.GetUtcNow(), limits.FyersHistoryPerSecond, limits.FyersHistoryPerMinute, limits.FyersHistoryPerDay) is { } breach)
        {
            return Error(StatusCodes.Status429TooManyRequests, -429, $"request limit reached ({breach})");
        }
        if (faults.TakeTokenError() || HsmKeyOf(request, time) is not { } hsmKey || !tokens.IsValid(hsmKey))
        {
            return tokens.IsExpired(HsmKeyOf(request, time))
                ? Error(StatusCodes.Status401Unauthorized, -8, "Your token has expired. Please generate a token")
                : Error(StatusCodes.Status401Unauthorized, -16, "Could not authenticate the user");
        }
        if (faults.TakeHistory429())
        {
            return Error(StatusCodes.Status429TooManyRequests, -429, "request limit reached");
        }
        if (symbol is null || !symbology.TryGetBySymbol(symbol, out var listing))
        {
            return Error(StatusCodes.Status400BadRequest, -300, "Please provide a valid symbol");
        }
        if (!TryInterval(resolution, out var interval))
        {
            return Error(StatusCodes.Status400BadRequest, -50, $"Invalid resolution '{resolution}'");
        }
        if (!TryTime(range_from, date_format, out var from) || !TryTime(range_to, date_format, out var to) || to < from)
        {
            return Error(StatusCodes.Status400BadRequest, -50, "Invalid range_from or range_to");
        }
        // Fyers' range_to with date_format 1 names a whole day.
        if (date_format == "1")
        {
            to = to.AddDays(1).AddSeconds(-1);
        }
        var candles = history.Read(listing.Instrument, interval, from, to, time.GetUtcNow());
        if (candles.Count == 0)
        {
            return TypedResults.Ok(new { s = "no_data", candles = Array.Empty<object>() });
        }
        var withOi = oi_flag == "1" && listing.Instrument.HasOpenInterest;
        var rows = candles.Select(candle => withOi
            ? new object[] { candle.Start.ToUnixTimeSeconds(), candle.Open, candle.High, candle.Low, candle.Close, candle.Volume, candle.OpenInterest }
            : new object[] { candle.Start.ToUnixTimeSeconds(), candle.Open, candle.High, candle.Low, candle.Close, candle.Volume }).ToList();
        return TypedResults.Ok(new { s = "ok", code = 200, message = "", candles = rows });
    }

    private static IResult GenerateAuthCode(
        string? client_id, string? redirect_uri, string? response_type, string? state, FyersAccessTokens tokens)
    {
        if (client_id != FyersAccessTokens.AppId)
        {
            return Error(StatusCodes.Status400BadRequest, -352, "Invalid app id");
        }
        if (response_type != "code" || !Uri.TryCreate(redirect_uri, UriKind.Absolute, out var redirect))
        {
            return Error(StatusCodes.Status400BadRequest, -50, "Invalid input: response_type must be code and redirect_uri an absolute URI");
        }
        var separator = string.IsNullOrEmpty(redirect.Query) ? '?' : '&';
        return TypedResults.Redirect(
            $"{redirect}{separator}s=ok&code=200&auth_code={Uri.EscapeDataString(tokens.IssueAuthCode())}&state={Uri.EscapeDataString(state ?? "")}");
    }

    private static IResult ValidateAuthCode(FyersAuthCodeRequest? request, FyersAccessTokens tokens, FaultInjector faults, TimeProvider time)
    {
        if (request is not { GrantType: "authorization_code", Code.Length: > 0 })
        {
            return Error(StatusCodes.Status400BadRequest, -50, "Invalid input: grant_type must be authorization_code and code is required");
        }
        if (!tokens.IsAppIdHashValid(request.AppIdHash))
        {
            return Error(StatusCodes.Status401Unauthorized, -352, "Invalid app id hash");
        }
        if (faults.TakeTokenError() || !tokens.TryUseAuthCode(request.Code))
        {
            return Error(StatusCodes.Status401Unauthorized, -17, "auth code invalid or expired");
        }
        // Fyers' tokens lapse at 06:00 IST the next calendar day.
        var expiresAt = new DateTimeOffset(IstClock.Today(time.GetUtcNow()).AddDays(1).ToDateTime(new TimeOnly(6, 0)), IndianMarket.IstOffset);
        return TypedResults.Ok(new { s = "ok", code = 200, message = "", access_token = tokens.IssueJwt(expiresAt), refresh_token = "" });
    }

    private static IResult GetSymbolMaster(string file, FyersSymbology symbology)
    {
        var fo = file switch
        {
            "NSE_CM.csv" => false,
            "NSE_FO.csv" => true,
            _ => (bool?)null,
        };
        if (fo is null)
        {
            return TypedResults.NotFound();
        }
        var csv = new StringBuilder();
        foreach (var listing in symbology.Listings.Where(listing => (listing.Instrument.Expiry is not null) == fo))
        {
            csv.Append(SymbolMasterRow(listing)).Append('\n');
        }
        return TypedResults.Text(csv.ToString(), "text/csv");
    }

    // The 21 columns of §3, without a header row.
    private static string SymbolMasterRow(FyersListing listing)
    {
        var instrument = listing.Instrument;
        var typeCode = instrument switch
        {
            { IsIndex: true } => 10,
            { InstrumentType: "FUT" } => instrument.Name is "NIFTY" or "BANKNIFTY" ? 11 : 13,
            { InstrumentType: "CE" or "PE" } => 14,
            _ => 0,
        };
        var expiresAt = instrument.Expiry is { } expiry
            ? new DateTimeOffset(expiry.ToDateTime(new TimeOnly(15, 30)), IndianMarket.IstOffset).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)
            : "";
        var segment = instrument.Expiry is null ? "10" : "11";
        var exchangeToken = listing.FyersToken[10..];
        var details = instrument.IsIndex ? listing.FyersSymbol[4..] : instrument.Expiry is null ? instrument.Name : listing.FyersSymbol[4..];
        var strike = instrument.InstrumentType is "CE" or "PE" ? instrument.Strike.ToString("0.0", CultureInfo.InvariantCulture) : "-1.0";
        var option = instrument.InstrumentType is "CE" or "PE" ? instrument.InstrumentType : "XX";
        var lot = instrument.IsIndex ? 0 : instrument.LotSize;
        return string.Join(',',
            listing.FyersToken, details, typeCode.ToString(CultureInfo.InvariantCulture), lot.ToString(CultureInfo.InvariantCulture),
            instrument.TickSize.ToString(CultureInfo.InvariantCulture), "", "0915-1530|1815-1915:", "2026-01-01", expiresAt, listing.FyersSymbol,
            "10", segment, exchangeToken, instrument.Name, "", strike, option, "", "None", "0", "0.0");
    }

    // "APP_ID:JWT" without Bearer; only the hsm_key of the JWT is checked. Null when the header holds no usable token.
    private static string? HsmKeyOf(HttpRequest request, TimeProvider time)
    {
        var header = request.Headers.Authorization.ToString();
        try
        {
            return TradingHelper.Core.Brokers.Fyers.FyersAccessToken.Parse(header, time).HsmKey;
        }
        catch (TradingHelper.Core.Brokers.Fyers.FyersAccessTokenException)
        {
            return null;
        }
    }

    // Fyers names resolutions in minutes ("1", "5", "60") or "D"; the simulator has Kite's set of intervals.
    private static bool TryInterval(string? resolution, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CandleInterval? interval)
    {
        var name = resolution switch
        {
            "1" => "minute",
            "3" or "5" or "10" or "15" or "30" or "60" => resolution + "minute",
            "D" or "1D" => "day",
            _ => "",
        };
        return CandleInterval.All.TryGetValue(name, out interval);
    }

    private static bool TryTime(string? value, string? dateFormat, out DateTimeOffset time)
    {
        time = default;
        if (dateFormat == "1")
        {
            if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return false;
            }
            time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
            return true;
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
        {
            return false;
        }
        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<FyersError> Error(int status, int code, string message) =>
        TypedResults.Json(new FyersError("error", code, message), statusCode: status);

    /// <summary>Fyers' error envelope: <c>{"s":"error","code":-300,"message":"…"}</c>.</summary>
    private sealed record FyersError(string S, int Code, string Message);

    /// <summary>Body of <c>validate-authcode</c>.</summary>
    private sealed record FyersAuthCodeRequest(
        [property: System.Text.Json.Serialization.JsonPropertyName("grant_type")] string? GrantType, string? AppIdHash, string? Code);

    /// <summary>Body of the token issuer.</summary>
    private sealed record FyersTokenResponse(string AccessToken);
}
