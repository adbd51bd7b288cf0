using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;
using TradingHelper.Ingestor.Brokers.Kite;
using TradingHelper.Tests.Simulator;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteRestClientTests
{
    [Fact]
    public async Task Instrument_dump_is_parsed_into_the_whole_universe()
    {
        await using var kite = new KiteHarness();

        var dump = await kite.Client.GetInstrumentsAsync(TestContext.Current.CancellationToken);

        // Two indices, 52 futures, 2 × 42 options, 50 stocks.
        Assert.Equal(188, dump.Instruments.Count);
        Assert.Equal(0, dump.SkippedRows);
        var nifty = Assert.Single(dump.Instruments, instrument => instrument.InstrumentToken == 256265);
        Assert.Equal(("NIFTY 50", "INDICES", 0.05m, 1, (string?)null), (nifty.TradingSymbol, nifty.Segment, nifty.TickSize, nifty.LotSize, nifty.Underlying));
        var option = dump.Instruments.First(instrument => instrument.InstrumentType == "CE" && instrument.Underlying == "BANKNIFTY");
        Assert.NotNull(option.Expiry);
        Assert.True(option.Strike > 0);
        Assert.Equal("NFO-OPT", option.Segment);
        Assert.All(dump.Instruments.Where(instrument => instrument.InstrumentType == "FUT"), future => Assert.Null(future.Strike));
    }

    [Fact]
    public async Task A_long_minute_range_is_split_into_sixty_day_windows_of_ist_candles()
    {
        await using var kite = new KiteHarness();
        var ct = TestContext.Current.CancellationToken;
        var future = await NiftyFutureAsync(kite);
        var to = PastMonday().AddHours(9);
        var from = to.AddDays(-130);

        var candles = await kite.Client.GetHistoryAsync(future, KiteHistoryInterval.Minute, from, to, ct);

        Assert.Equal(3, kite.Requests.CountOf("/instruments/historical/"));
        Assert.NotEmpty(candles);
        Assert.All(candles, candle => Assert.Equal(TimeSpan.Zero, candle.Start.Offset));
        Assert.All(candles, candle => Assert.InRange(candle.Start, from, to.AddTicks(-1)));
        // Every candle sits in the 09:15–15:30 IST session on its minute.
        Assert.All(candles, candle =>
        {
            var ist = candle.Start.ToOffset(IndianMarket.IstOffset);
            Assert.InRange(ist.TimeOfDay, IndianMarket.SessionOpen, IndianMarket.SessionClose.Add(TimeSpan.FromMinutes(-1)));
            Assert.Equal(0, ist.Second);
        });
        Assert.Equal(candles.Count, candles.Select(candle => candle.Start).Distinct().Count());
        Assert.All(candles, candle => Assert.True(candle.OpenInterest > 0));
        Assert.All(candles, candle => Assert.True(candle.Low <= candle.High));
    }

    [Fact]
    public async Task Too_many_requests_is_backed_off_and_then_succeeds()
    {
        await using var kite = new KiteHarness();
        using var metrics = new HistoryMetricRecorder(kite.MeterServices);
        var ct = TestContext.Current.CancellationToken;
        var future = await NiftyFutureAsync(kite);
        var from = PastMonday().AddHours(9).AddMinutes(15);
        await kite.FaultAsync("history-429", count: 2);

        var candles = await kite.Client.GetHistoryAsync(future, KiteHistoryInterval.Minute, from, from.AddMinutes(30), ct);

        Assert.Equal(30, candles.Count);
        Assert.Equal(3, kite.Requests.CountOf("/instruments/historical/"));
        Assert.Equal(["kite:429", "kite:429", "kite:ok"], metrics.Statuses);
        Assert.Equal(2, kite.Logs.Lines.Count(line => line.Contains("retrying in", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_token_error_invalidates_the_session_and_is_not_retried()
    {
        await using var kite = new KiteHarness();
        using var metrics = new HistoryMetricRecorder(kite.MeterServices);
        var ct = TestContext.Current.CancellationToken;
        var future = await NiftyFutureAsync(kite);
        var from = PastMonday().AddHours(9).AddMinutes(15);
        await kite.FaultAsync("token-error");

        var error = await Assert.ThrowsAsync<KiteTokenException>(() => kite.Client.GetHistoryAsync(future, KiteHistoryInterval.Minute, from, from.AddMinutes(30), ct));

        Assert.Equal(1, kite.Requests.CountOf("/instruments/historical/"));
        Assert.Contains("Not retried", error.Message, StringComparison.Ordinal);
        Assert.Null(kite.Session.AccessToken);
        Assert.Contains("TokenException", kite.Session.Problem, StringComparison.Ordinal);
        Assert.Equal(["kite:token_error"], metrics.Statuses);
        // The next caller waits for a login instead of sending the dead token again, and goes on after one.
        var waiting = kite.Client.GetHistoryAsync(future, KiteHistoryInterval.Minute, from, from.AddMinutes(30), ct);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, kite.Requests.CountOf("/instruments/historical/"));
        kite.Session.Update(SimulatorFactory.AccessToken, null);
        Assert.Equal(30, (await waiting).Count);
        Assert.Equal(2, kite.Requests.CountOf("/instruments/historical/"));
    }

    [Fact]
    public async Task An_input_error_says_what_kite_refused()
    {
        await using var kite = new KiteHarness();
        var from = PastMonday().AddHours(9).AddMinutes(15);

        var error = await Assert.ThrowsAsync<KiteInputException>(
            () => kite.Client.GetHistoryAsync(999_999, KiteHistoryInterval.Minute, from, from.AddMinutes(5), TestContext.Current.CancellationToken));

        Assert.Contains("instrument_token", error.Message, StringComparison.Ordinal);
        Assert.Equal("InputException", error.ErrorType);
        Assert.Equal(1, kite.Requests.Count);
        Assert.NotNull(kite.Session.AccessToken);
    }

    [Fact]
    public async Task A_login_exchanges_the_request_token_for_an_access_token_that_works()
    {
        await using var kite = new KiteHarness(loggedIn: false);
        var ct = TestContext.Current.CancellationToken;

        var grant = await kite.Client.CreateSessionAsync("requesttoken1", ct);
        kite.Session.Update(grant.AccessToken, null);
        var future = await NiftyFutureAsync(kite);
        var from = PastMonday().AddHours(9).AddMinutes(15);
        var candles = await kite.Client.GetHistoryAsync(future, KiteHistoryInterval.Minute, from, from.AddMinutes(3), ct);

        Assert.Equal("SIM001", grant.UserId);
        Assert.NotEqual(SimulatorFactory.AccessToken, grant.AccessToken);
        Assert.Equal(3, candles.Count);
        Assert.DoesNotContain(grant.AccessToken, grant.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_fails_the_login_without_touching_the_session()
    {
        await using var kite = new KiteHarness(apiSecret: "not_the_secret");

        var error = await Assert.ThrowsAsync<KiteTokenException>(() => kite.Client.CreateSessionAsync("requesttoken2", TestContext.Current.CancellationToken));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Equal(SimulatorFactory.AccessToken, kite.Session.AccessToken);
        Assert.Equal(1, kite.Requests.Count);
        Assert.DoesNotContain("not_the_secret", kite.Logs.AllText, StringComparison.Ordinal);
    }

    internal static async Task<uint> NiftyFutureAsync(KiteHarness kite)
    {
        var dump = await kite.Client.GetInstrumentsAsync(TestContext.Current.CancellationToken);
        return dump.Instruments.First(instrument => instrument.InstrumentType == "FUT" && instrument.Underlying == "NIFTY").InstrumentToken;
    }

    /// <summary>IST midnight starting a Monday at least two weeks back, so every minute of it is history.</summary>
    internal static DateTimeOffset PastMonday()
    {
        var day = IstClock.Today(TimeProvider.System.GetUtcNow()).AddDays(-14);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(-1);
        }
        return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), IndianMarket.IstOffset);
    }
}
