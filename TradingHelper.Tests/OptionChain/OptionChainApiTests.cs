using System.Globalization;
using System.Net;
using System.Text.Json;
using TradingHelper.Core.Streaming;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Candles;
using TradingHelper.Tests.EndToEnd;

namespace TradingHelper.Tests.OptionChain;

/// <summary><c>GET /api/option-chain</c> against a real database and Redis, checked against a hand computation from the stored ticks.</summary>
public sealed class OptionChainApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    private const string Expiry = "2026-12-29";
    private const double Rate = 0.065;
    private const double Volatility = 0.14;

    // Strike, side, previous day's close OI, OI and day volume at 09:30 IST; the OIs put max pain at 24000.
    private static readonly (decimal Strike, string Side, long PreviousOi, long Oi, long Volume)[] Book =
    [
        (23900, "CE", 90_000, 100_000, 1000), (23900, "PE", 250_000, 300_000, 1500),
        (24000, "CE", 210_000, 200_000, 2000), (24000, "PE", 260_000, 250_000, 2500),
        (24100, "CE", 350_000, 400_000, 3000), (24100, "PE", 60_000, 50_000, 500),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task A_past_minute_agrees_with_a_hand_computation_from_the_stored_ticks()
    {
        var tokens = await SeedChainAsync();
        var index = context.Instruments["NIFTY 50"];
        var database = context.Database;
        var previousDay = TickTape.At("2026-11-24 15:29:30");
        var chainAt = TickTape.At("2026-11-25 09:31:00");
        var years = (TickTape.At("2026-12-29 15:30:00") - chainAt).TotalSeconds / (365.0 * 86400);
        await database.TickAsync(index, "2026-11-25 09:30:20", 24010m, null);
        // After the minute asked for: never part of its chain.
        await database.TickAsync(index, "2026-11-25 09:31:10", 24200m, null);
        foreach (var (strike, side, previousOi, oi, volume) in Book)
        {
            var token = tokens[(strike, side)];
            var price = Rounded(ReferenceBlackScholes.Price(side == "CE", 24010, (double)strike, years, Volatility, Rate));
            // Calls closed lower the day before and puts higher, so the readings differ by OI change alone.
            await database.TickAsync(token, previousDay, side == "CE" ? price - 20 : price + 20, 90_000, previousOi);
            await database.TickAsync(token, "2026-11-25 09:16:00", price + 3, volume / 2, (previousOi + oi) / 2);
            await database.TickAsync(token, "2026-11-25 09:30:40", price, volume, oi);
            await database.TickAsync(token, "2026-11-25 09:31:05", price + 40, volume + 700, oi + 99_000);
        }
        await database.RefreshAllCandlesAsync();
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        var chain = await MarketRig.GetJsonAsync(client, "/api/option-chain?underlying=nifty&expiry=2026-12-29&at=2026-11-25T09:30");

        Assert.Equal("stored", chain.GetProperty("source").GetString());
        Assert.Equal(chainAt, chain.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(24010m, chain.GetProperty("spot").GetProperty("price").GetDecimal());
        var strikes = chain.GetProperty("strikes").EnumerateArray().ToList();
        Assert.Equal([23900m, 24000m, 24100m], strikes.Select(row => row.GetProperty("strike").GetDecimal()));

        // The hand computation, from what tick_data holds before 09:31 IST and the previous day's last minute.
        long callOi = 0, putOi = 0, callVolume = 0, putVolume = 0;
        var payoutAt = new Dictionary<decimal, decimal>();
        foreach (var (strike, side, _, _, _) in Book)
        {
            var token = tokens[(strike, side)];
            var (last, oi, volume) = await LastStoredAsync(token, chainAt);
            var (previousClose, previousOi) = await LastStoredAsync(token, TickTape.At("2026-11-25 00:00")) is var p ? (p.Price, p.Oi) : default;
            var option = strikes.Single(row => row.GetProperty("strike").GetDecimal() == strike).GetProperty(side == "CE" ? "call" : "put");
            var text = option.ToString();
            Assert.True(last == option.GetProperty("lastPrice").GetDecimal(), text);
            Assert.True(oi == option.GetProperty("oi").GetInt64(), text);
            Assert.True(oi - previousOi == option.GetProperty("oiChange").GetInt64(), text);
            Assert.True(volume == option.GetProperty("volume").GetInt64(), text);
            Assert.True(last - previousClose == option.GetProperty("priceChange").GetDecimal(), text);
            var reading = (side, oi > previousOi) switch
            {
                ("CE", true) => "long build-up",
                ("CE", false) => "short covering",
                (_, true) => "short build-up",
                _ => "long unwinding",
            };
            Assert.True(reading == option.GetProperty("buildUp").GetString(), text);

            var reference = ReferenceBlackScholes.ImpliedVolatility(side == "CE", (double)last, 24010, (double)strike, years, Rate);
            Assert.True(Math.Abs((100 * reference) - option.GetProperty("iv").GetDouble()) < 0.5, $"reference IV {100 * reference:0.00}: {text}");
            Assert.True(Math.Abs(reference - Volatility) < 0.005, $"the ticks were priced at {Volatility}; the reference reads {reference}");

            (side == "CE" ? ref callOi : ref putOi) += oi;
            (side == "CE" ? ref callVolume : ref putVolume) += volume;
            foreach (var settle in Book.Select(b => b.Strike).Distinct())
            {
                payoutAt[settle] = payoutAt.GetValueOrDefault(settle) + (oi * Math.Max(0, side == "CE" ? settle - strike : strike - settle));
            }
        }
        var totals = chain.GetProperty("totals");
        Assert.Equal(callOi, totals.GetProperty("callOi").GetInt64());
        Assert.Equal(putOi, totals.GetProperty("putOi").GetInt64());
        Assert.Equal(Math.Round((decimal)putOi / callOi, 4), totals.GetProperty("pcrOi").GetDecimal());
        Assert.Equal(0.8571m, totals.GetProperty("pcrOi").GetDecimal());
        Assert.Equal(Math.Round((decimal)putVolume / callVolume, 4), totals.GetProperty("pcrVolume").GetDecimal());
        Assert.Equal(payoutAt.MinBy(pair => pair.Value).Key, totals.GetProperty("maxPain").GetDecimal());
        Assert.Equal(24000m, totals.GetProperty("maxPain").GetDecimal());
        Assert.Equal(24000m, totals.GetProperty("atmStrike").GetDecimal());
    }

    [Fact(Timeout = 60_000)]
    public async Task The_live_chain_takes_todays_latest_quotes_and_falls_back_to_stored_ticks()
    {
        var tokens = await SeedChainAsync();
        var index = context.Instruments["NIFTY 50"];
        var now = DateTimeOffset.UtcNow;
        await context.Database.TickAsync(tokens[(24100m, "CE")], now.AddMinutes(-2), 55.5m, 4200, 123_000);
        await using var api = context.Start();
        var quotes = context.Redis.GetDatabase();
        await quotes.HashSetAsync(api.QuotesKey,
        [
            new(index.ToString(CultureInfo.InvariantCulture), LiveTickJson.SerializeTick(new LiveTick(index, now, 24005m, 0, 0, 0, 0, 0, 0, 0, 0))),
            new(tokens[(23900m, "CE")].ToString(CultureInfo.InvariantCulture),
                LiveTickJson.SerializeTick(new LiveTick(tokens[(23900m, "CE")], now, 410m, 7000, 111_000, 409.5m, 410.5m, 75, 150, 400m, 75))),
            // A quote of an earlier day is no part of today's chain.
            new(tokens[(24000m, "PE")].ToString(CultureInfo.InvariantCulture),
                LiveTickJson.SerializeTick(new LiveTick(tokens[(24000m, "PE")], now.AddDays(-2), 999m, 7000, 1, 0, 0, 0, 0, 0, 0))),
        ]);
        using var client = api.Factory.CreateClient();

        var chain = await MarketRig.GetJsonAsync(client, $"/api/option-chain?underlying=NIFTY&expiry={Expiry}");

        Assert.Equal("live", chain.GetProperty("source").GetString());
        Assert.Equal(24005m, chain.GetProperty("spot").GetProperty("price").GetDecimal());
        var call = Option(chain, 23900m, "call");
        Assert.Equal(410m, call.GetProperty("lastPrice").GetDecimal());
        Assert.Equal(111_000, call.GetProperty("oi").GetInt64());
        Assert.Equal(409.5m, call.GetProperty("bid").GetDecimal());
        Assert.Equal(150, call.GetProperty("askQty").GetInt64());
        Assert.InRange(call.GetProperty("iv").GetDouble(), 1, 100);
        Assert.Equal(55.5m, Option(chain, 24100m, "call").GetProperty("lastPrice").GetDecimal());
        Assert.Equal(JsonValueKind.Null, Option(chain, 24000m, "put").GetProperty("lastPrice").ValueKind);
        Assert.Equal(24000m, chain.GetProperty("totals").GetProperty("atmStrike").GetDecimal());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("expiry=2026-12-29", "underlying")]
    [InlineData("underlying=NIFTY", "expiry")]
    [InlineData("underlying=NIFTY&expiry=29-12-2026", "expiry")]
    [InlineData("underlying=NIFTY&expiry=2026-12-29&at=soon", "at")]
    [InlineData("underlying=NIFTY&expiry=2026-12-29&at=2999-01-01T10:00", "at")]
    public async Task A_bad_chain_request_is_a_400_naming_the_field(string query, string field)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync($"/api/option-chain?{query}", Ct);

        await Problems.AssertFieldProblemAsync(response, field);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_expiry_with_no_options_is_a_404()
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync("/api/option-chain?underlying=NIFTY&expiry=2026-12-30", Ct);

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains("2026-12-30", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task<Dictionary<(decimal Strike, string Side), int>> SeedChainAsync()
    {
        var tokens = new Dictionary<(decimal, string), int>();
        foreach (var (strike, side, _, _, _) in Book)
        {
            var symbol = string.Create(CultureInfo.InvariantCulture, $"NIFTY26DEC{strike:0}{side}");
            tokens[(strike, side)] = await context.Database.ScalarAsync<int>(string.Create(CultureInfo.InvariantCulture,
                $"""
                INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size)
                VALUES ('NFO', '{symbol}', 'NFO-OPT', '{side}', 'NIFTY', '{Expiry}', {strike}, 0.05, 75)
                ON CONFLICT ON CONSTRAINT instruments_identity DO UPDATE SET updated_at = now()
                RETURNING instrument_id
                """));
        }
        return tokens;
    }

    // The last tick stored before an instant, straight from tick_data.
    private async Task<(decimal Price, long Oi, long Volume)> LastStoredAsync(int token, DateTimeOffset before)
    {
        await using var command = context.Database.DataSource.CreateCommand(
            "SELECT last_price, oi, volume FROM tick_data WHERE instrument_id = $1 AND time < $2 ORDER BY time DESC, received_at DESC LIMIT 1");
        command.Parameters.AddWithValue(token);
        command.Parameters.AddWithValue(before.ToUniversalTime());
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetDecimal(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static decimal Rounded(double price) => Math.Round((decimal)price / 0.05m, MidpointRounding.AwayFromZero) * 0.05m;

    private static JsonElement Option(JsonElement chain, decimal strike, string side) =>
        chain.GetProperty("strikes").EnumerateArray().Single(row => row.GetProperty("strike").GetDecimal() == strike).GetProperty(side);
}
