using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Market;

/// <summary>The live market of one instrument: a random walk on tick size, cumulative day volume, open interest and depth.</summary>
/// <remarks>Shared by every connection streaming the instrument, so the day's volume only rises whoever reads it.</remarks>
internal sealed class InstrumentState
{
    private readonly Lock _gate = new();
    private readonly SimulatedInstrument _instrument;
    private readonly Random _random;
    private readonly uint _tick;
    private readonly uint _lot;
    private DateOnly _day;
    private uint _lastPrice;
    private uint _open;
    private uint _high;
    private uint _low;
    private uint _close;
    private uint _lastQuantity;
    private uint _volume;
    private long _turnover;
    private uint _buyQuantity;
    private uint _sellQuantity;
    private uint _openInterest;
    private uint _openInterestHigh;
    private uint _openInterestLow;
    private uint _lastTradeTime;

    public InstrumentState(SimulatedInstrument instrument, int seed)
    {
        _instrument = instrument;
        _random = new Random(HashCode.Combine(seed, instrument.InstrumentToken));
        var divisor = KiteInstrumentToken.PriceDivisorOf(instrument.InstrumentToken);
        _tick = (uint)(instrument.TickSize * divisor);
        _lot = (uint)instrument.TradeUnit;
        _lastPrice = (uint)(instrument.BasePrice * divisor);
        _close = _lastPrice;
        _open = _high = _low = _lastPrice;
        _openInterest = instrument.HasOpenInterest ? _lot * (uint)_random.Next(1_000, 50_000) : 0;
        _openInterestHigh = _openInterestLow = _openInterest;
        _buyQuantity = _lot * (uint)_random.Next(100, 5_000);
        _sellQuantity = _lot * (uint)_random.Next(100, 5_000);
    }

    public SimulatedInstrument Instrument => _instrument;

    /// <summary>Moves the market one step and returns it as a tick of the kind the mode asks for.</summary>
    public KiteTick Advance(KiteMode mode, DateTimeOffset now)
    {
        lock (_gate)
        {
            RollDay(now);
            Step(now);
            return Snapshot(mode, now);
        }
    }

    /// <summary>The market as it stands, without moving it: what Kite pushes right after a subscribe.</summary>
    public KiteTick Current(KiteMode mode, DateTimeOffset now)
    {
        lock (_gate)
        {
            RollDay(now);
            return Snapshot(mode, now);
        }
    }

    private void RollDay(DateTimeOffset now)
    {
        var day = DateOnly.FromDateTime(now.ToOffset(IndianMarket.IstOffset).DateTime);
        if (day == _day)
        {
            return;
        }
        _day = day;
        _close = _lastPrice;
        _open = _high = _low = _lastPrice;
        _volume = 0;
        _turnover = 0;
        _lastQuantity = 0;
        _openInterestHigh = _openInterestLow = _openInterest;
    }

    private void Step(DateTimeOffset now)
    {
        var move = _random.Next(-3, 4) * (long)_tick;
        _lastPrice = (uint)Math.Max(_tick, _lastPrice + move);
        _high = Math.Max(_high, _lastPrice);
        _low = Math.Min(_low, _lastPrice);
        if (_instrument.IsIndex)
        {
            return;
        }

        _lastQuantity = _lot * (uint)_random.Next(1, 11);
        // A day's volume near uint32's limit is real (spec §1.8); the simulator stops short of wrapping it.
        _volume = (uint)Math.Min(uint.MaxValue, (long)_volume + _lastQuantity);
        _turnover += (long)_lastPrice * _lastQuantity;
        _lastTradeTime = (uint)now.ToUnixTimeSeconds();
        _buyQuantity = (uint)Math.Max(_lot, _buyQuantity + (_lot * (long)_random.Next(-20, 21)));
        _sellQuantity = (uint)Math.Max(_lot, _sellQuantity + (_lot * (long)_random.Next(-20, 21)));
        if (_instrument.HasOpenInterest)
        {
            _openInterest = (uint)Math.Max(_lot, _openInterest + (_lot * (long)_random.Next(-5, 6)));
            _openInterestHigh = Math.Max(_openInterestHigh, _openInterest);
            _openInterestLow = Math.Min(_openInterestLow, _openInterest);
        }
    }

    private KiteTick Snapshot(KiteMode mode, DateTimeOffset now)
    {
        var tick = new KiteTick
        {
            InstrumentToken = _instrument.InstrumentToken,
            Kind = KindOf(mode),
            LastPrice = _lastPrice,
        };
        if (mode == KiteMode.Ltp)
        {
            return tick;
        }

        tick.Open = _open;
        tick.High = _high;
        tick.Low = _low;
        tick.Close = _close;
        if (_instrument.IsIndex)
        {
            tick.Change = (int)((long)_lastPrice - _close);
            tick.ExchangeTimestampSeconds = mode == KiteMode.Full ? (uint)now.ToUnixTimeSeconds() : 0;
            return tick;
        }

        tick.LastQuantity = _lastQuantity;
        tick.AveragePrice = _volume == 0 ? 0 : (uint)(_turnover / _volume);
        tick.Volume = _volume;
        tick.BuyQuantity = _buyQuantity;
        tick.SellQuantity = _sellQuantity;
        if (mode != KiteMode.Full)
        {
            return tick;
        }

        tick.LastTradeTimeSeconds = _lastTradeTime;
        tick.OpenInterest = _openInterest;
        tick.OpenInterestDayHigh = _openInterestHigh;
        tick.OpenInterestDayLow = _openInterestLow;
        tick.ExchangeTimestampSeconds = (uint)now.ToUnixTimeSeconds();
        KiteDepthLevels bids = default;
        KiteDepthLevels asks = default;
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            // Best ask at the last price, best bid one tick under it, as in Kite's own samples.
            var bidPrice = (long)_lastPrice - ((i + 1) * (long)_tick);
            bids[i] = bidPrice > 0
                ? new KiteDepthLevel(_lot * (uint)_random.Next(1, 50), (uint)bidPrice, (ushort)_random.Next(1, 20))
                : default;
            asks[i] = new KiteDepthLevel(_lot * (uint)_random.Next(1, 50), _lastPrice + ((uint)i * _tick), (ushort)_random.Next(1, 20));
        }
        tick.Bids = bids;
        tick.Asks = asks;
        return tick;
    }

    private KitePacketKind KindOf(KiteMode mode) => (mode, _instrument.IsIndex) switch
    {
        (KiteMode.Ltp, _) => KitePacketKind.Ltp,
        (KiteMode.Quote, true) => KitePacketKind.IndexQuote,
        (KiteMode.Full, true) => KitePacketKind.IndexFull,
        (KiteMode.Quote, false) => KitePacketKind.Quote,
        _ => KitePacketKind.Full,
    };
}
