using Microsoft.Extensions.Options;

namespace TradingHelper.Simulator.Market;

/// <summary>The simulated market: its trading hours, the universe of the day, its history and the live state of every instrument.</summary>
internal sealed class MarketSimulator
{
    private readonly Dictionary<uint, InstrumentState> _states;

    public MarketSimulator(IOptions<SimulatorOptions> options, TimeProvider time)
    {
        var seed = options.Value.Seed;
        var now = time.GetUtcNow();
        Session = new TradingSession(options.Value.Session);
        // Strikes centre on where the index last traded: now while open, at the last close otherwise.
        Universe = InstrumentUniverse.Create(seed, now, options.Value.ExtraStocks, Session.LastTradedAt(now));
        History = new HistoricalCandles(Universe.Pricing, Session, seed);
        _states = Universe.Instruments.ToDictionary(instrument => instrument.InstrumentToken,
            instrument => new InstrumentState(instrument, Universe.Pricing, History, Session, seed));
    }

    public TradingSession Session { get; }

    public InstrumentUniverse Universe { get; }

    public HistoricalCandles History { get; }

    public bool TryGet(uint instrumentToken, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InstrumentState? state) =>
        _states.TryGetValue(instrumentToken, out state);
}
