using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Simulator;

/// <summary>What a trader sees of the simulated market, read off its real sockets and REST endpoints.</summary>
public sealed class SimulatedMarketTests
{
    // The rate the simulator states its futures carry and its options discount at (README, Simulator).
    private const double RiskFreeRate = 0.065;
    private const long Tick = 5;
    private const uint Nifty = 256265;
    private const uint Infy = 408065;
    private static readonly TimeSpan Ist = TimeSpan.FromMinutes(330);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset WednesdayMorning = new(2026, 11, 25, 11, 0, 0, Ist);

    [Fact]
    public async Task Option_chain_respects_the_index_tick_by_tick()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:TicksPerSecond"] = "5000" }, new RunningClock(WednesdayMorning));
        var chain = await NiftyChainAsync(factory, ct);
        uint[] tokens = [Nifty, chain.Future.Token, .. chain.Options.Select(option => option.Token)];
        await using var ticker = await factory.ConnectTickerAsync(ct);
        await ticker.SubscribeAsync(ct, tokens);
        await ticker.SetModeAsync(KiteMode.Full, ct, tokens);

        var volumes = new Dictionary<uint, uint>();
        var frames = 0;
        while (frames < 30)
        {
            var message = await ticker.FirstAsync(message => message.IsTickFrame, Wait, ct);
            Assert.NotNull(message);
            // Every tick of a frame is priced at the same instant, so the chain can be checked against the index exactly.
            var ticks = message.Ticks().Where(tick => tick.Kind is KitePacketKind.Full or KitePacketKind.IndexFull)
                .GroupBy(tick => tick.InstrumentToken).ToDictionary(group => group.Key, group => group.Last());
            if (!tokens.All(ticks.ContainsKey))
            {
                continue;
            }
            frames++;
            var index = ticks[Nifty];
            var at = DateTimeOffset.FromUnixTimeSeconds(index.ExchangeTimestampSeconds);
            double spot = index.LastPrice;
            if (frames == 1)
            {
                // Strikes are centred on where the index trades: the middle one is the at-the-money strike.
                var strikes = chain.Options.Select(option => option.Strike).Distinct().Order().ToList();
                Assert.Equal(21, strikes.Count);
                Assert.InRange(strikes[10] - (decimal)(spot / 100), -50m, 50m);
            }

            var future = ticks[chain.Future.Token];
            Assert.InRange(future.LastPrice - (spot * Math.Exp(RiskFreeRate * Years(chain.Future.Expiry, at))), -2 * Tick, 2 * Tick);
            foreach (var (token, tick) in ticks)
            {
                Assert.True(tick.LastPrice >= Tick);
                if (token == Nifty)
                {
                    continue;
                }
                Assert.InRange(tick.LastPrice, tick.Bids[0].Price, tick.Asks[0].Price);
                Assert.True(tick.Volume >= volumes.GetValueOrDefault(token), $"{token}: day volume fell");
                volumes[token] = tick.Volume;
            }
            foreach (var pair in chain.Options.GroupBy(option => option.Strike))
            {
                var call = ticks[pair.Single(option => option.Right == "CE").Token];
                var put = ticks[pair.Single(option => option.Right == "PE").Token];
                var strike = (double)pair.Key * 100;
                var discountedStrike = strike * Math.Exp(-RiskFreeRate * Years(pair.First().Expiry, at));
                // NSE's index options are European and settle on the index: a call is worth at least index − strike,
                // a put at least the discounted strike − index, and C − P = S − K·e^{−rτ} up to the spread.
                Assert.True(call.LastPrice >= Math.Max(0, spot - strike), $"call {pair.Key} at {call.LastPrice} under intrinsic {spot - strike}");
                Assert.True(put.LastPrice >= discountedStrike - spot - Tick, $"put {pair.Key} at {put.LastPrice} under {discountedStrike - spot}");
                var parity = (double)call.LastPrice - put.LastPrice - (spot - discountedStrike);
                var spread = Math.Max(call.Asks[0].Price - call.Bids[0].Price, put.Asks[0].Price - put.Bids[0].Price);
                Assert.True(Math.Abs(parity) <= spread, $"strike {pair.Key}: C − P misses parity by {parity / 100} with a spread of {spread / 100m}");
            }
        }
    }

    [Fact]
    public async Task Todays_history_ends_where_the_live_price_is_and_past_days_keep_market_hours()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = new DateTimeOffset(2026, 11, 25, 11, 7, 23, Ist);
        await using var factory = new SimulatorFactory(new Dictionary<string, string?> { ["Simulator:Session"] = "realistic" }, new FakeTimeProvider(now));
        var chain = await NiftyChainAsync(factory, ct);
        var call = chain.Options.First(option => option.Right == "CE" && option.Strike == chain.Options.Select(o => o.Strike).Order().ElementAt(20));
        using var client = Authorized(factory);

        var closes = new Dictionary<uint, decimal>();
        foreach (var token in new[] { Nifty, chain.Future.Token, call.Token, Infy })
        {
            var today = await CandlesAsync(client, $"/instruments/historical/{token}/minute?from=2026-11-25+09:15:00&to=2026-11-25+15:30:00", ct);
            Assert.Equal(113, today.Count);
            Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 15, 0, Ist), today[0].Start);
            Assert.Equal(new DateTimeOffset(2026, 11, 25, 11, 7, 0, Ist), today[^1].Start);
            for (var i = 1; i < today.Count; i++)
            {
                Assert.Equal(today[i - 1].Close, today[i].Open);
            }
            closes[token] = today[^1].Close;

            var pastDays = await CandlesAsync(client, $"/instruments/historical/{token}/5minute?from=2026-11-20+00:00:00&to=2026-11-24+23:59:59", ct);
            Assert.Equal(3 * 75, pastDays.Count);
            Assert.All(pastDays, candle => Assert.True(
                candle.Start.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)
                && candle.Start.TimeOfDay >= new TimeSpan(9, 15, 0) && candle.Start.TimeOfDay <= new TimeSpan(15, 25, 0),
                $"{candle.Start} is outside the session"));
        }

        await using var ticker = await factory.ConnectTickerAsync(ct);
        await ticker.SubscribeAsync(ct, [.. closes.Keys]);
        var snapshot = await ticker.FirstAsync(message => message.IsTickFrame, Wait, ct);

        Assert.NotNull(snapshot);
        var live = snapshot.Ticks().ToDictionary(tick => tick.InstrumentToken, tick => tick.LastPrice / 100m);
        Assert.Equal(closes, live);
    }

    [Theory]
    [InlineData("realistic", "2026-11-25T20:00:00+05:30", false)]
    [InlineData("realistic", "2026-11-28T11:00:00+05:30", false)]
    [InlineData("realistic", "2026-11-25T10:00:00+05:30", true)]
    [InlineData("always", "2026-11-28T20:00:00+05:30", true)]
    public async Task Realistic_session_streams_only_in_market_hours(string session, string time, bool streams)
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new RunningClock(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture));
        await using var factory = new SimulatorFactory(
            new Dictionary<string, string?> { ["Simulator:Session"] = session, ["Simulator:TicksPerSecond"] = "200" }, clock);
        await using var ticker = await factory.ConnectTickerAsync(ct);

        await ticker.SubscribeAsync(ct, Infy, Nifty);

        if (streams)
        {
            Assert.NotNull(await ticker.FirstAsync(message => message.IsTickFrame, Wait, ct));
            return;
        }
        // A closed exchange still keeps the line alive: heartbeats come, ticks never do.
        var heartbeats = 0;
        while (heartbeats < 3)
        {
            var message = await ticker.NextAsync(Wait, ct);
            Assert.NotNull(message);
            Assert.False(message.IsTickFrame, $"a tick at {clock.GetUtcNow().ToOffset(Ist)} with the exchange closed");
            heartbeats += message.IsHeartbeat ? 1 : 0;
        }
    }

    [Fact]
    public async Task Health_says_the_market_is_simulated_and_whether_it_trades()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = new SimulatorFactory(
            new Dictionary<string, string?> { ["Simulator:Session"] = "realistic" }, new RunningClock(new DateTimeOffset(2026, 11, 25, 20, 0, 0, Ist)));
        using var client = factory.CreateClient();

        using var report = JsonDocument.Parse(await client.GetStringAsync("/health", ct));

        var market = report.RootElement.GetProperty("checks").GetProperty("market");
        Assert.Equal("simulated", market.GetProperty("data").GetProperty("market").GetString());
        Assert.Equal("realistic", market.GetProperty("data").GetProperty("session").GetString());
        Assert.Equal("False", market.GetProperty("data").GetProperty("trading").GetString());
    }

    private static double Years(DateOnly expiry, DateTimeOffset at) =>
        Math.Max(0, (new DateTimeOffset(expiry.ToDateTime(new TimeOnly(15, 30)), Ist) - at).TotalSeconds / (365.0 * 24 * 60 * 60));

    private static HttpClient Authorized(SimulatorFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", SimulatorFactory.Authorization);
        return client;
    }

    private static async Task<List<HistoryCandle>> CandlesAsync(HttpClient client, string url, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(url, ct));
        return [.. document.RootElement.GetProperty("data").GetProperty("candles").EnumerateArray().Select(candle => new HistoryCandle(
            DateTimeOffset.ParseExact(candle[0].GetString()!, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            candle[1].GetDecimal(), candle[4].GetDecimal()))];
    }

    // NIFTY's future and options from the instrument dump, as the Ingestor learns them.
    private static async Task<NiftyChain> NiftyChainAsync(SimulatorFactory factory, CancellationToken ct)
    {
        using var client = factory.CreateClient();
        var rows = (await client.GetStringAsync("/instruments/NFO", ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(',')).Where(row => row[3] == "NIFTY").ToList();
        static Contract ContractOf(string[] row) => new(uint.Parse(row[0], CultureInfo.InvariantCulture),
            DateOnly.ParseExact(row[5], "yyyy-MM-dd", CultureInfo.InvariantCulture), decimal.Parse(row[6], CultureInfo.InvariantCulture), row[9]);
        return new NiftyChain(ContractOf(rows.Single(row => row[9] == "FUT")), [.. rows.Where(row => row[9] is "CE" or "PE").Select(ContractOf)]);
    }

    private sealed record Contract(uint Token, DateOnly Expiry, decimal Strike, string Right);

    private sealed record NiftyChain(Contract Future, List<Contract> Options);

    private sealed record HistoryCandle(DateTimeOffset Start, decimal Open, decimal Close);
}
