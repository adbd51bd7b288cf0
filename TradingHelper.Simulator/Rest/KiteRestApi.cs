using System.Globalization;
using Microsoft.Extensions.Primitives;
using TradingHelper.Core.Market;
using TradingHelper.Simulator.Control;
using TradingHelper.Simulator.Market;

namespace TradingHelper.Simulator.Rest;

/// <summary>Kite's REST endpoints the Ingestor uses: the instrument dump, historical candles and the session token exchange.</summary>
internal static class KiteRestApi
{
    private static readonly string[] UserExchanges = ["NSE", "NFO", "BSE", "BFO", "CDS", "MCX"];
    private static readonly string[] UserProducts = ["CNC", "NRML", "MIS"];
    private static readonly string[] UserOrderTypes = ["MARKET", "LIMIT", "SL", "SL-M"];
    private static readonly string[] DateFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss"];

    public static WebApplication MapKiteRestApi(this WebApplication app)
    {
        app.MapGet("/instruments", GetAllInstruments).WithName("Instruments").WithSummary("Instrument dump (CSV, gzip when accepted)").WithTags("Kite");
        app.MapGet("/instruments/{exchange}", GetExchangeInstruments).WithName("ExchangeInstruments").WithSummary("Instrument dump of one exchange").WithTags("Kite");
        app.MapGet("/instruments/historical/{token}/{interval}", GetHistory).WithName("Historical").WithSummary("Historical candles").WithTags("Kite");
        app.MapPost("/session/token", CreateSessionAsync).WithName("SessionToken").WithSummary("Exchange a request token for an access token").WithTags("Kite")
            .DisableAntiforgery();
        return app;
    }

    private static IResult GetAllInstruments(HttpRequest request, InstrumentMaster master, AccessTokens tokens, FaultInjector faults) =>
        Instruments(request, null, master, tokens, faults);

    private static IResult GetExchangeInstruments(string exchange, HttpRequest request, InstrumentMaster master, AccessTokens tokens, FaultInjector faults) =>
        InstrumentMaster.IsExchange(exchange)
            ? Instruments(request, exchange, master, tokens, faults)
            : KiteErrors.Input($"Invalid `exchange` \"{exchange}\": expected NSE, BSE, NFO, BFO, CDS, BCD or MCX.");

    private static IResult Instruments(HttpRequest request, string? exchange, InstrumentMaster master, AccessTokens tokens, FaultInjector faults)
    {
        // The dump is public on Kite; a token, when sent, must still be valid.
        if (faults.TakeTokenError() || (request.Headers.Authorization.Count > 0 && !IsAuthorized(request, tokens)))
        {
            return KiteErrors.Token();
        }
        var dump = master.For(exchange);
        if (AcceptsGzip(request.Headers.AcceptEncoding))
        {
            request.HttpContext.Response.Headers.ContentEncoding = "gzip";
            return TypedResults.Bytes(dump.Gzipped, "text/csv");
        }
        return TypedResults.Bytes(dump.Plain, "text/csv");
    }

    private static IResult GetHistory(
        string token, string interval, string? from, string? to, string? oi, HttpRequest request,
        MarketSimulator market, HistoricalCandles history, AccessTokens tokens, FaultInjector faults, TimeProvider time)
    {
        if (faults.TakeTokenError() || !IsAuthorized(request, tokens))
        {
            return KiteErrors.Token();
        }
        if (faults.TakeHistory429())
        {
            return KiteErrors.TooManyRequests();
        }
        if (!CandleInterval.All.TryGetValue(interval, out var candleInterval))
        {
            return KiteErrors.Input($"Invalid `interval` \"{interval}\": expected minute, 3minute, 5minute, 10minute, 15minute, 30minute, 60minute or day.");
        }
        if (!uint.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var instrumentToken) || !market.Universe.TryGet(instrumentToken, out var instrument))
        {
            return KiteErrors.Input($"Invalid `instrument_token` \"{token}\".");
        }
        if (!TryParseIst(from, out var start))
        {
            return KiteErrors.Input("Invalid `from` date: expected yyyy-mm-dd hh:mm:ss (IST).");
        }
        if (!TryParseIst(to, out var end, endOfDay: true))
        {
            return KiteErrors.Input("Invalid `to` date: expected yyyy-mm-dd hh:mm:ss (IST).");
        }
        if (end < start)
        {
            return KiteErrors.Input("Invalid `from` date: it is after the `to` date.");
        }
        if ((end - start).TotalDays > candleInterval.MaxDays)
        {
            return KiteErrors.Input($"interval exceeds max limit: {candleInterval.MaxDays} days");
        }

        var withOi = oi == "1";
        var candles = history.Read(instrument, candleInterval, start, end, time.GetUtcNow());
        var rows = new List<object[]>(candles.Count);
        foreach (var candle in candles)
        {
            var stamp = candle.Start.ToOffset(IndianMarket.IstOffset).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+0530";
            rows.Add(withOi
                ? [stamp, candle.Open, candle.High, candle.Low, candle.Close, candle.Volume, candle.OpenInterest]
                : [stamp, candle.Open, candle.High, candle.Low, candle.Close, candle.Volume]);
        }
        return TypedResults.Json(new { status = "success", data = new { candles = rows } }, KiteErrors.Json);
    }

    private static async Task<IResult> CreateSessionAsync(HttpRequest request, AccessTokens tokens, FaultInjector faults, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return KiteErrors.Input("Expected an application/x-www-form-urlencoded body with `api_key`, `request_token` and `checksum`.");
        }
        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        foreach (var field in (string[])["api_key", "request_token", "checksum"])
        {
            if (StringValues.IsNullOrEmpty(form[field]))
            {
                return KiteErrors.Input($"Missing `{field}`.");
            }
        }
        string apiKey = form["api_key"]!, requestToken = form["request_token"]!, checksum = form["checksum"]!;
        if (faults.TakeTokenError() || apiKey != tokens.ApiKey)
        {
            return KiteErrors.Token("Invalid `api_key`.");
        }
        if (!tokens.IsChecksumValid(apiKey, requestToken, checksum))
        {
            return KiteErrors.Token("Invalid `checksum`.");
        }
        if (!tokens.TryUseRequestToken(requestToken))
        {
            return KiteErrors.Token("Token is invalid or has expired.");
        }

        var accessToken = tokens.Issue();
        var loginTime = time.GetUtcNow().ToOffset(IndianMarket.IstOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return TypedResults.Json(new
        {
            status = "success",
            data = new
            {
                user_type = "individual",
                email = "trader@example.com",
                user_name = "Simulated Trader",
                user_shortname = "Trader",
                broker = "ZERODHA",
                exchanges = UserExchanges,
                products = UserProducts,
                order_types = UserOrderTypes,
                avatar_url = (string?)null,
                user_id = "SIM001",
                api_key = apiKey,
                access_token = accessToken,
                public_token = tokens.Issue(),
                refresh_token = "",
                enctoken = "",
                login_time = loginTime,
                meta = new { demat_consent = "consent" },
            },
        }, KiteErrors.Json);
    }

    private static bool IsAuthorized(HttpRequest request, AccessTokens tokens)
    {
        // Authorization: token <api_key>:<access_token>
        var header = request.Headers.Authorization.ToString();
        const string scheme = "token ";
        if (!header.StartsWith(scheme, StringComparison.Ordinal))
        {
            return false;
        }
        var credentials = header[scheme.Length..];
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && tokens.IsValid(credentials[..colon], credentials[(colon + 1)..]);
    }

    private static bool AcceptsGzip(StringValues acceptEncoding)
    {
        foreach (var value in acceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool TryParseIst(string? text, out DateTimeOffset value, bool endOfDay = false)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)
            || !DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }
        value = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), IndianMarket.IstOffset);
        // A bare date as `to` means the whole of that day.
        if (endOfDay && text.Length == 10)
        {
            value = value.AddDays(1).AddSeconds(-1);
        }
        return true;
    }
}
