using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Simulator.Extensions;

namespace TradingHelper.Tests.Simulator;

public sealed class SimulatorRestTests
{
    private const string Header = "instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange";

    [Fact]
    public async Task Instrument_dump_has_kite_columns_and_the_whole_universe()
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var response = await client.GetAsync("/instruments", ct);
        var lines = (await response.Content.ReadAsStringAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Header, lines[0]);
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.All(rows, row => Assert.Equal(12, row.Length));
        Assert.All(rows, row => Assert.Equal(
            uint.Parse(row[0], CultureInfo.InvariantCulture),
            KiteInstrumentToken.Create(uint.Parse(row[1], CultureInfo.InvariantCulture), Enum.Parse<KiteSegment>(SegmentName(row[11], row[10]), ignoreCase: true))));
        Assert.Equal(rows.Count, rows.Select(row => row[0]).Distinct().Count());

        var nifty = Assert.Single(rows, row => row[0] == "256265");
        Assert.Equal(["NIFTY 50", "NIFTY 50"], nifty[2..4]);
        Assert.Equal(["EQ", "INDICES", "NSE"], nifty[9..]);
        Assert.Contains(rows, row => row[0] == "260105" && row[2] == "NIFTY BANK");
        var infy = Assert.Single(rows, row => row[2] == "INFY");
        Assert.Equal(["408065", "1594"], infy[..2]);
        Assert.Equal(["0.05", "1", "EQ", "NSE", "NSE"], infy[7..]);

        Assert.Equal(50, rows.Count(row => row[9] == "EQ" && row[10] == "NSE"));
        Assert.Equal(52, rows.Count(row => row[9] == "FUT" && row[10] == "NFO-FUT"));
        foreach (var (underlying, step) in new[] { ("NIFTY", 50m), ("BANKNIFTY", 100m) })
        {
            var options = rows.Where(row => row[3] == underlying && row[10] == "NFO-OPT").ToList();
            Assert.Equal(42, options.Count);
            Assert.Equal(21, options.Count(row => row[9] == "CE"));
            Assert.All(options, row => Assert.Equal(0m, decimal.Parse(row[6], CultureInfo.InvariantCulture) % step));
            Assert.Single(options.Select(row => row[5]).Distinct());
            Assert.Equal(DayOfWeek.Tuesday, DateOnly.ParseExact(options[0][5], "yyyy-MM-dd", CultureInfo.InvariantCulture).DayOfWeek);
        }
        Assert.All(rows.Where(row => row[9] != "EQ"), row => Assert.True(int.Parse(row[8], CultureInfo.InvariantCulture) > 1));
        Assert.All(rows, row => Assert.Equal(0m, decimal.Parse(row[4], CultureInfo.InvariantCulture) % 0.05m));
    }

    [Fact]
    public async Task Simulator_answers_health_and_metrics_like_every_service()
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var health = await client.GetAsync("/health", ct);
        using var metrics = await client.GetAsync("/metrics", ct);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Instrument_dump_is_gzipped_when_the_client_accepts_it()
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/instruments/NSE");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));

        using var response = await client.SendAsync(request, ct);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(ct), CompressionMode.Decompress);
        using var text = new StreamReader(gzip);
        var lines = (await text.ReadToEndAsync(ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal(Header, lines[0]);
        Assert.All(lines.Skip(1), line => Assert.EndsWith(",NSE", line, StringComparison.Ordinal));
        Assert.Equal(52, lines.Length - 1);
    }

    [Fact]
    public async Task Historical_candles_have_kite_shape_start_labels_and_repeat_exactly()
    {
        await using var factory = new SimulatorFactory();
        using var client = Authorized(factory);
        var ct = TestContext.Current.CancellationToken;
        var futureToken = await TokenOfAsync(client, row => row[2].StartsWith("NIFTY", StringComparison.Ordinal) && row[9] == "FUT", ct);
        var url = $"/instruments/historical/{futureToken}/5minute?from=2024-06-12+09:15:00&to=2024-06-12+15:29:59&oi=1";

        var first = await client.GetStringAsync(url, ct);
        var second = await client.GetStringAsync(url, ct);

        Assert.Equal(first, second);
        Assert.Contains("\"2024-06-12T09:15:00+0530\"", first, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(first);
        Assert.Equal("success", document.RootElement.GetProperty("status").GetString());
        var candles = document.RootElement.GetProperty("data").GetProperty("candles").EnumerateArray().ToList();
        Assert.Equal(75, candles.Count);
        var previous = DateTimeOffset.MinValue;
        foreach (var candle in candles)
        {
            Assert.Equal(7, candle.GetArrayLength());
            var start = DateTimeOffset.ParseExact(candle[0].GetString()!, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.FromMinutes(330), start.Offset);
            Assert.Equal(0, start.Minute % 5);
            Assert.True(start > previous);
            previous = start;
            decimal open = candle[1].GetDecimal(), high = candle[2].GetDecimal(), low = candle[3].GetDecimal(), close = candle[4].GetDecimal();
            Assert.True(high >= Math.Max(open, close) && low <= Math.Min(open, close) && low > 0);
            Assert.Equal(0m, open % 0.05m);
            Assert.True(candle[5].GetInt64() > 0);
            Assert.True(candle[6].GetInt64() > 0);
        }
        Assert.Equal("2024-06-12T15:25:00+0530", candles[^1][0].GetString());

        var withoutOi = await client.GetStringAsync($"/instruments/historical/{futureToken}/day?from=2024-06-10&to=2024-06-14", ct);
        using var days = JsonDocument.Parse(withoutOi);
        var dayCandles = days.RootElement.GetProperty("data").GetProperty("candles").EnumerateArray().ToList();
        Assert.Equal(5, dayCandles.Count);
        Assert.All(dayCandles, candle => Assert.Equal(6, candle.GetArrayLength()));
        Assert.Equal("2024-06-12T00:00:00+0530", dayCandles[2][0].GetString());
    }

    [Theory]
    [InlineData("realistic", 0)]
    [InlineData("always", 60)]
    public async Task Saturday_night_has_history_that_night_only_when_the_simulator_trades_around_the_clock(string session, int candles)
    {
        // Around the clock the ticker streams on a Saturday night, and a gap it had then is only backfillable when history
        // agrees; past days keep NSE's weekday session, as a broker serves them.
        var alwaysOpen = session == "always";
        var saturdayNight = new DateTimeOffset(2024, 6, 15, 22, 30, 0, TimeSpan.FromMinutes(330));
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:Session"] = session }, new FakeTimeProvider(saturdayNight));
        using var client = Authorized(factory);
        var ct = TestContext.Current.CancellationToken;

        var body = await client.GetStringAsync("/instruments/historical/408065/minute?from=2024-06-15+21:00:00&to=2024-06-15+21:59:59", ct);

        using var document = JsonDocument.Parse(body);
        var rows = document.RootElement.GetProperty("data").GetProperty("candles").EnumerateArray().ToList();
        Assert.Equal(candles, rows.Count);
        if (alwaysOpen)
        {
            Assert.Equal("2024-06-15T21:00:00+0530", rows[0][0].GetString());
            Assert.Equal("2024-06-15T21:59:00+0530", rows[^1][0].GetString());
        }
        using var lastWeek = JsonDocument.Parse(await client.GetStringAsync("/instruments/historical/408065/minute?from=2024-06-08+21:00:00&to=2024-06-08+21:59:59", ct));
        Assert.Empty(lastWeek.RootElement.GetProperty("data").GetProperty("candles").EnumerateArray());
    }

    [Theory]
    [InlineData("minute", "2024-01-01+09:15:00", "2024-03-15+09:15:00", "interval exceeds max limit: 60 days")]
    [InlineData("60minute", "2023-01-01", "2024-06-01", "interval exceeds max limit: 400 days")]
    [InlineData("week", "2024-01-01", "2024-01-02", "`interval`")]
    [InlineData("minute", "yesterday", "2024-01-02", "`from`")]
    [InlineData("minute", "2024-01-02", "", "`to`")]
    [InlineData("minute", "2024-01-03", "2024-01-02", "`from`")]
    public async Task Bad_history_request_is_an_input_exception_naming_the_field(string interval, string from, string to, string named)
    {
        await using var factory = new SimulatorFactory();
        using var client = Authorized(factory);
        var ct = TestContext.Current.CancellationToken;

        using var response = await client.GetAsync($"/instruments/historical/408065/{interval}?from={from}&to={to}", ct);
        var error = await ErrorAsync(response, ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InputException", error.Type);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task History_without_a_valid_token_is_a_token_exception()
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"token {SimulatorFactory.ApiKey}:stale");

        using var response = await client.GetAsync("/instruments/historical/408065/minute?from=2024-06-12&to=2024-06-12", ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("TokenException", (await ErrorAsync(response, ct)).Type);
    }

    [Fact]
    public async Task Session_token_is_issued_for_a_right_checksum_and_then_opens_the_ticker()
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        var ct = TestContext.Current.CancellationToken;

        using var refused = await PostSessionAsync(client, "rt-1", Checksum("rt-1", "wrong_secret"), ct);
        using var accepted = await PostSessionAsync(client, "rt-2", Checksum("rt-2", SimulatorFactory.ApiSecret), ct);
        using var reused = await PostSessionAsync(client, "rt-2", Checksum("rt-2", SimulatorFactory.ApiSecret), ct);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("TokenException", (await ErrorAsync(refused, ct)).Type);
        Assert.Equal(HttpStatusCode.Forbidden, reused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var session = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(ct));
        var data = session.RootElement.GetProperty("data");
        var accessToken = data.GetProperty("access_token").GetString()!;
        Assert.Equal(SimulatorFactory.ApiKey, data.GetProperty("api_key").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", data.GetProperty("login_time").GetString());

        await using var ticker = await factory.ConnectTickerAsync(ct, accessToken);
        var heartbeat = await ticker.FirstAsync(message => message.IsHeartbeat, TimeSpan.FromSeconds(5), ct);
        Assert.NotNull(heartbeat);
        using var history = new HttpRequestMessage(HttpMethod.Get, "/instruments/historical/408065/day?from=2024-06-10&to=2024-06-14");
        history.Headers.TryAddWithoutValidation("Authorization", $"token {SimulatorFactory.ApiKey}:{accessToken}");
        using var historyResponse = await client.SendAsync(history, ct);
        Assert.Equal(HttpStatusCode.OK, historyResponse.StatusCode);
    }

    [Fact]
    public async Task Kite_checksum_matches_the_spec_vector()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("my_api_keymy_request_tokenmy_api_secret")));

        Assert.Equal("9d183880c6b1b8cbef59720852c4b880eefc4de66027736a55bc5c51fcdc7464", hash);
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:ApiKey"] = "my_api_key", ["Simulator:ApiSecret"] = "my_api_secret" });
        using var client = factory.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = "my_api_key",
            ["request_token"] = "my_request_token",
            ["checksum"] = hash,
        });
        using var response = await client.PostAsync("/session/token", form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Session_request_missing_a_field_names_it()
    {
        await using var factory = new SimulatorFactory();
        using var client = factory.CreateClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["api_key"] = SimulatorFactory.ApiKey, ["request_token"] = "x" });

        using var response = await client.PostAsync("/session/token", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("`checksum`", (await ErrorAsync(response, TestContext.Current.CancellationToken)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulator_refuses_to_start_with_a_tick_rate_of_zero()
    {
        // The simulator's own registration on a plain host: a test-server factory started next to parallel ones can
        // report its failed start as a disposed host instead of the validation error.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["Simulator:TicksPerSecond"] = "0";
        builder.AddSimulatorServices();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("TicksPerSecond", error.Message, StringComparison.Ordinal);
    }

    internal static HttpClient Authorized(SimulatorFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorFactory.Authorization);
        return client;
    }

    internal static async Task<uint> TokenOfAsync(HttpClient client, Func<string[], bool> match, CancellationToken ct)
    {
        var csv = await client.GetStringAsync("/instruments", ct);
        var row = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(',')).First(match);
        return uint.Parse(row[0], CultureInfo.InvariantCulture);
    }

    internal static async Task<(string Type, string Message)> ErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("error", document.RootElement.GetProperty("status").GetString());
        return (document.RootElement.GetProperty("error_type").GetString()!, document.RootElement.GetProperty("message").GetString()!);
    }

    private static async Task<HttpResponseMessage> PostSessionAsync(HttpClient client, string requestToken, string checksum, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = SimulatorFactory.ApiKey,
            ["request_token"] = requestToken,
            ["checksum"] = checksum,
        });
        return await client.PostAsync("/session/token", form, ct);
    }

    private static string Checksum(string requestToken, string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SimulatorFactory.ApiKey + requestToken + secret)));

    private static string SegmentName(string exchange, string segment) => segment == "INDICES" ? "Indices" : exchange;
}
