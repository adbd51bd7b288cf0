using System.Globalization;
using System.Text.Json;
using TradingHelper.Core.Market;
using TradingHelper.Tests.EndToEnd;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.OptionChain;

/// <summary>Issue 12: the simulator's NIFTY expiry through the Ingestor, and its chain checked by hand against what was stored.</summary>
public sealed class OptionChainEndToEndTests(TestServers servers)
{
    private const double Rate = 0.065;

    [Fact]
    public async Task The_simulated_nifty_chain_agrees_with_a_hand_computation_from_the_stored_ticks()
    {
        await using var rig = await MarketRig.StartAsync(servers, "e2e_option_chain");
        rig.StartIngestor();
        rig.StartApi();
        using var api = rig.CreateApiClient();
        var options = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, "/api/instruments?underlying=NIFTY&type=CE,PE&pageSize=500"),
            page => page.GetProperty("total").GetInt32() > 0, "the start-up sync brings the NIFTY options", page => page.ToString());
        var items = options.GetProperty("items").EnumerateArray().ToList();
        var expiry = items.Min(item => item.GetProperty("expiry").GetString())!;
        var contracts = items.Where(item => item.GetProperty("expiry").GetString() == expiry)
            .ToDictionary(item => item.GetProperty("token").GetInt32(),
                item => (Strike: item.GetProperty("strike").GetDecimal(), IsCall: item.GetProperty("instrumentType").GetString() == "CE"));
        var index = (await MarketRig.GetJsonAsync(api, "/api/instruments?segment=INDICES&symbol=NIFTY%2050&pageSize=1"))
            .GetProperty("items")[0].GetProperty("token").GetInt32();
        int[] tokens = [index, .. contracts.Keys];

        var (subscribed, _) = await MarketRig.PostAcceptedAsync(api, "/api/instruments/subscribe", new { tokens, mode = "full" });
        var history = await MarketRig.UntilAsync(() => MarketRig.GetJsonAsync(api, subscribed.GetProperty("history").GetProperty("link").GetString()!),
            job => job.GetProperty("status").GetString() is not ("queued" or "running"), "the history job brings the previous days", job => job.ToString(), seconds: 240);
        Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());

        // The chain of the last whole minute, once every instrument has stored ticks in it and after it: a connection's ticks are
        // stored in order, so nothing before that minute's end can still arrive.
        var probe = await MarketRig.UntilAsync(async () =>
            {
                var minuteEnd = Minute(DateTimeOffset.UtcNow);
                var within = await rig.Database.ScalarAsync<long>(string.Create(CultureInfo.InvariantCulture,
                    $"SELECT count(DISTINCT instrument_id) FROM tick_data WHERE instrument_id IN ({string.Join(',', tokens)}) AND time >= '{minuteEnd.AddMinutes(-1):O}' AND time < '{minuteEnd:O}'"));
                var after = await rig.Database.ScalarAsync<long>(string.Create(CultureInfo.InvariantCulture,
                    $"SELECT count(DISTINCT instrument_id) FROM tick_data WHERE instrument_id IN ({string.Join(',', tokens)}) AND time >= '{minuteEnd:O}'"));
                return (End: minuteEnd, Complete: within == tokens.Length && after == tokens.Length);
            },
            state => state.Complete, "every instrument has ticked after a minute's end");
        var end = probe.End;
        var dayOpens = new DateTimeOffset(IstClock.Today(end.AddTicks(-1)).ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
        var at = end.AddMinutes(-1).ToOffset(IndianMarket.IstOffset).ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture);

        var chain = await MarketRig.GetJsonAsync(api, $"/api/option-chain?underlying=NIFTY&expiry={expiry}&at={Uri.EscapeDataString(at)}");

        // By hand: each instrument's last stored tick of the day before the minute's end, and its last minute of broker history before the day.
        var last = await LastTicksAsync(rig, tokens, dayOpens, end);
        var previousOi = await PreviousOiAsync(rig, tokens, dayOpens);
        var spot = (double)last[index].Price;
        Assert.Equal(last[index].Price, chain.GetProperty("spot").GetProperty("price").GetDecimal());
        var years = (new DateTimeOffset(DateOnly.Parse(expiry, CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(15, 30)), IndianMarket.IstOffset) - end).TotalSeconds
            / (365.0 * 86400);
        long callOi = 0, putOi = 0, callVolume = 0, putVolume = 0;
        var strikes = contracts.Values.Select(c => c.Strike).Distinct().Order().ToList();
        var payout = strikes.ToDictionary(strike => strike, _ => 0m);
        var checkedIv = 0;
        foreach (var (token, (strike, isCall)) in contracts)
        {
            var option = chain.GetProperty("strikes").EnumerateArray().Single(row => row.GetProperty("strike").GetDecimal() == strike)
                .GetProperty(isCall ? "call" : "put");
            var text = option.ToString();
            var (price, oi, volume) = last[token];
            Assert.True(price == option.GetProperty("lastPrice").GetDecimal(), text);
            Assert.True(oi == option.GetProperty("oi").GetInt64(), text);
            Assert.True(volume == option.GetProperty("volume").GetInt64(), text);
            Assert.True(oi - previousOi[token] == option.GetProperty("oiChange").GetInt64(), $"previous OI {previousOi[token]}: {text}");
            (isCall ? ref callOi : ref putOi) += oi;
            (isCall ? ref callVolume : ref putVolume) += volume;
            foreach (var settle in strikes)
            {
                payout[settle] += oi * Math.Max(0, isCall ? settle - strike : strike - settle);
            }
            // Near the money, where a premium many ticks deep pins the volatility down.
            if (Math.Abs((double)strike - spot) <= 150 && option.GetProperty("iv") is { ValueKind: JsonValueKind.Number } iv)
            {
                var reference = 100 * ReferenceBlackScholes.ImpliedVolatility(isCall, (double)price, spot, (double)strike, years, Rate);
                Assert.True(Math.Abs(reference - iv.GetDouble()) < 0.5, $"reference IV {reference:0.00}: {text}");
                checkedIv++;
            }
        }
        Assert.True(checkedIv >= 4, $"only {checkedIv} near-the-money options had an IV: {chain}");
        var totals = chain.GetProperty("totals");
        Assert.Equal(callOi, totals.GetProperty("callOi").GetInt64());
        Assert.Equal(putOi, totals.GetProperty("putOi").GetInt64());
        Assert.Equal(PutCallRatio(putOi, callOi), NumberOrNull(totals.GetProperty("pcrOi")));
        Assert.Equal(PutCallRatio(putVolume, callVolume), NumberOrNull(totals.GetProperty("pcrVolume")));
        Assert.Equal(payout.OrderBy(pair => pair.Value).ThenBy(pair => pair.Key).First().Key, totals.GetProperty("maxPain").GetDecimal());
        Assert.Equal(strikes.OrderBy(strike => Math.Abs((double)strike - spot)).ThenBy(strike => strike).First(), totals.GetProperty("atmStrike").GetDecimal());
    }

    // No call traded yet (a day's first minutes, or a closed day whose snapshot carries no volume): there is no ratio.
    private static decimal? PutCallRatio(long puts, long calls) => calls == 0 ? null : Math.Round((decimal)puts / calls, 4);

    private static decimal? NumberOrNull(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDecimal();

    private static DateTimeOffset Minute(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

    private static async Task<Dictionary<int, (decimal Price, long Oi, long Volume)>> LastTicksAsync(
        MarketRig rig, int[] tokens, DateTimeOffset from, DateTimeOffset before)
    {
        await using var command = rig.Database.DataSource.CreateCommand(
            """
            SELECT DISTINCT ON (instrument_id) instrument_id, last_price, coalesce(oi, 0), coalesce(volume, 0)
            FROM tick_data WHERE instrument_id = ANY($1) AND time >= $2 AND time < $3
            ORDER BY instrument_id, time DESC, received_at DESC
            """);
        command.Parameters.AddWithValue(tokens);
        command.Parameters.AddWithValue(from.ToUniversalTime());
        command.Parameters.AddWithValue(before.ToUniversalTime());
        var ticks = new Dictionary<int, (decimal, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ticks[reader.GetInt32(0)] = (reader.GetDecimal(1), reader.GetInt64(2), reader.GetInt64(3));
        }
        Assert.Equal(tokens.Length, ticks.Count);
        return ticks;
    }

    // The rig stores no ticks before today, so the day before is the broker history the subscription brought.
    private static async Task<Dictionary<int, long>> PreviousOiAsync(MarketRig rig, int[] tokens, DateTimeOffset dayOpens)
    {
        await using var command = rig.Database.DataSource.CreateCommand(
            """
            SELECT DISTINCT ON (instrument_id) instrument_id, oi FROM broker_candles
            WHERE instrument_id = ANY($1) AND bucket < $2
            ORDER BY instrument_id, bucket DESC
            """);
        command.Parameters.AddWithValue(tokens);
        command.Parameters.AddWithValue(dayOpens.ToUniversalTime());
        var oi = new Dictionary<int, long>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            oi[reader.GetInt32(0)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        }
        return oi;
    }
}
