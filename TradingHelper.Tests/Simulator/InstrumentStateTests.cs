extern alias simulator;

using simulator::TradingHelper.Simulator;
using simulator::TradingHelper.Simulator.Market;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Simulator;

public sealed class InstrumentStateTests
{
    private static readonly DateTimeOffset MondayMorning = new(2026, 11, 23, 9, 30, 0, TimeSpan.FromMinutes(330));

    [Fact]
    public void Day_volume_only_rises_within_a_day_and_the_next_ist_day_starts_from_its_own_history()
    {
        var (market, state) = State(seed: 7, symbol: "RELIANCE");
        var volume = 0u;
        for (var i = 0; i < 500; i++)
        {
            var tick = state.Advance(KiteMode.Full, MondayMorning.AddSeconds(i));
            Assert.True(tick.Volume > volume);
            volume = tick.Volume;
        }
        var tuesdayMorning = MondayMorning.AddDays(1);

        var tuesday = state.Current(KiteMode.Quote, tuesdayMorning);

        var monday = market.History.Read(state.Instrument, CandleInterval.All["day"], MondayMorning.AddMinutes(-570), MondayMorning.AddMinutes(-570).AddDays(1).AddSeconds(-1), tuesdayMorning);
        var today = market.History.Today(state.Instrument, tuesdayMorning)!.Value;
        Assert.Equal(monday[0].Close * 100, tuesday.Close);
        Assert.Equal(today.Open * 100, tuesday.Open);
        Assert.Equal((uint)today.Volume, tuesday.Volume);
    }

    [Fact]
    public void Prices_stay_on_the_tick_grid_and_inside_the_day_range()
    {
        var (_, state) = State(seed: 3, symbol: "NIFTY26NOVFUT");

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

    private static (MarketSimulator Market, InstrumentState State) State(int seed, string symbol)
    {
        var market = new MarketSimulator(Options.Create(new SimulatorOptions { Seed = seed }), new FakeTimeProvider(MondayMorning));
        var instrument = market.Universe.Instruments.Single(i => i.TradingSymbol == symbol);
        Assert.True(market.TryGet(instrument.InstrumentToken, out var state));
        return (market, state);
    }
}
