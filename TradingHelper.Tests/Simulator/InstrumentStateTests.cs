extern alias simulator;

using simulator::TradingHelper.Simulator.Market;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Simulator;

public sealed class InstrumentStateTests
{
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 9, 30, 0, TimeSpan.FromMinutes(330));

    [Fact]
    public void Day_volume_only_rises_within_a_day_and_restarts_on_the_next_ist_day()
    {
        var state = new InstrumentState(Instrument("RELIANCE"), seed: 7);
        var volume = 0u;
        KiteTick tick = default;
        for (var i = 0; i < 500; i++)
        {
            tick = state.Advance(KiteMode.Full, MondayMorning.AddSeconds(i));
            Assert.True(tick.Volume > volume);
            volume = tick.Volume;
        }
        var lastPriceOfMonday = tick.LastPrice;

        var tuesday = state.Current(KiteMode.Quote, MondayMorning.AddDays(1));

        Assert.Equal(0u, tuesday.Volume);
        Assert.Equal(lastPriceOfMonday, tuesday.Close);
        Assert.Equal(lastPriceOfMonday, tuesday.Open);
    }

    [Fact]
    public void Prices_stay_on_the_tick_grid_and_inside_the_day_range()
    {
        var state = new InstrumentState(Instrument("NIFTY26DECFUT", expiry: new DateOnly(2026, 12, 29), lot: 75), seed: 3);

        for (var i = 0; i < 1000; i++)
        {
            var tick = state.Advance(KiteMode.Full, MondayMorning.AddSeconds(i));
            Assert.Equal(0u, tick.LastPrice % 5);
            Assert.InRange(tick.LastPrice, tick.Low, tick.High);
            Assert.Equal(0u, tick.LastQuantity % 75);
            Assert.InRange(tick.OpenInterest, tick.OpenInterestDayLow, tick.OpenInterestDayHigh);
            Assert.Equal((uint)MondayMorning.AddSeconds(i).ToUnixTimeSeconds(), tick.ExchangeTimestampSeconds);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_universe_and_expiries_follow_the_clock()
    {
        var first = InstrumentUniverse.Create(11, MondayMorning);
        var again = InstrumentUniverse.Create(11, MondayMorning);
        var otherSeed = InstrumentUniverse.Create(12, MondayMorning);

        Assert.Equal(first.Instruments, again.Instruments);
        Assert.NotEqual(first.Instruments.Select(i => i.BasePrice), otherSeed.Instruments.Select(i => i.BasePrice));
        Assert.Equal(new DateOnly(2026, 11, 24), first.Instruments.First(i => i.InstrumentType == "CE").Expiry);
        Assert.Equal(new DateOnly(2026, 11, 24), first.Instruments.First(i => i.InstrumentType == "FUT").Expiry);
        Assert.Contains(first.Instruments, i => i.TradingSymbol == "NIFTY26NOVFUT");
        Assert.Contains(first.Instruments, i => i.TradingSymbol.StartsWith("NIFTY26NOV", StringComparison.Ordinal) && i.TradingSymbol.EndsWith("CE", StringComparison.Ordinal));
    }

    private static SimulatedInstrument Instrument(string symbol, DateOnly? expiry = null, int lot = 1) =>
        new(expiry is null ? 738561u : 8960258u, expiry is null ? 2885u : 35001u, symbol, symbol, expiry, 0m, 0.05m, lot,
            expiry is null ? "EQ" : "FUT", expiry is null ? "NSE" : "NFO-FUT", expiry is null ? "NSE" : "NFO", 1450.50m);
}
