using Microsoft.Extensions.Options;

namespace TradingHelper.Simulator.Market;

/// <summary>The simulated market: the universe of the day and the live state of every instrument in it.</summary>
internal sealed class MarketSimulator
{
    private readonly Dictionary<uint, InstrumentState> _states;

    public MarketSimulator(IOptions<SimulatorOptions> options, TimeProvider time)
    {
        var seed = options.Value.Seed;
        Universe = InstrumentUniverse.Create(seed, time.GetUtcNow(), options.Value.ExtraStocks);
        _states = Universe.Instruments.ToDictionary(instrument => instrument.InstrumentToken, instrument => new InstrumentState(instrument, seed));
    }

    public InstrumentUniverse Universe { get; }

    public bool TryGet(uint instrumentToken, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InstrumentState? state) =>
        _states.TryGetValue(instrumentToken, out state);
}
