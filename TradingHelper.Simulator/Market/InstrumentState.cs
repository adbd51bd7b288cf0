using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Market;

/// <summary>
/// The live market of one instrument: its price read off the <see cref="PricingModel"/> at each tick, the day's open, high,
/// low, cumulative volume and open interest carried on from the day's history, and a quote around the price.
/// </summary>
/// <remarks>Shared by every connection streaming the instrument, so the day's volume only rises whoever reads it.</remarks>
internal sealed class InstrumentState
{
    private readonly Lock _gate = new();
    private readonly SimulatedInstrument _instrument;
    private readonly PricingModel _pricing;
    private readonly HistoricalCandles _history;
    private readonly TradingSession _session;
    private readonly Random _random;
    private readonly uint _tick;
    private readonly uint _lot;
    private readonly decimal _divisor;
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

    public InstrumentState(SimulatedInstrument instrument, PricingModel pricing, HistoricalCandles history, TradingSession session, int seed)
    {
        _instrument = instrument;
        _pricing = pricing;
        _history = history;
        _session = session;
        _random = new Random(HashCode.Combine(seed, instrument.InstrumentToken));
        var divisor = KiteInstrumentToken.PriceDivisorOf(instrument.InstrumentToken);
        _divisor = divisor;
        _tick = (uint)(instrument.TickSize * divisor);
        _lot = (uint)instrument.TradeUnit;
        _buyQuantity = _lot * (uint)_random.Next(100, 5_000);
        _sellQuantity = _lot * (uint)_random.Next(100, 5_000);
    }

    public SimulatedInstrument Instrument => _instrument;

    /// <summary>A trade at the price of <paramref name="now"/>, as a tick of the kind the mode asks for.</summary>
    /// <remarks>Outside the session prices stand at the last close; the sockets send nothing then.</remarks>
    public KiteTick Advance(KiteMode mode, DateTimeOffset now)
    {
        var at = _session.LastTradedAt(now);
        lock (_gate)
        {
            RollDay(at);
            Reprice(at);
            Trade(at);
            return Snapshot(mode, at);
        }
    }

    /// <summary>The market as it stands at <paramref name="now"/>, without a trade: what Kite pushes right after a subscribe.</summary>
    public KiteTick Current(KiteMode mode, DateTimeOffset now)
    {
        var at = _session.LastTradedAt(now);
        lock (_gate)
        {
            RollDay(at);
            Reprice(at);
            return Snapshot(mode, at);
        }
    }

    // A new day (or the first tick) starts from the day's history so far, so the live day and its candles agree.
    private void RollDay(DateTimeOffset now)
    {
        var day = TradingSession.DayOf(now);
        if (day == _day)
        {
            return;
        }
        _day = day;
        _lastPrice = _pricing.LastPrice(_instrument, now);
        _close = ToWire(_history.PreviousClose(_instrument, now));
        if (_history.Today(_instrument, now) is { } today)
        {
            _open = ToWire(today.Open);
            _high = Math.Max(ToWire(today.High), _lastPrice);
            _low = Math.Min(ToWire(today.Low), _lastPrice);
            _volume = (uint)Math.Min(uint.MaxValue, today.Volume);
        }
        else
        {
            _open = _high = _low = _lastPrice;
            _volume = 0;
        }
        _turnover = (long)_lastPrice * _volume;
        _lastQuantity = 0;
        _openInterest = (uint)Math.Min(uint.MaxValue, _history.OpenInterestAt(_instrument, now));
        _openInterestHigh = _openInterestLow = _openInterest;
    }

    private void Reprice(DateTimeOffset now)
    {
        _lastPrice = _pricing.LastPrice(_instrument, now);
        _high = Math.Max(_high, _lastPrice);
        _low = Math.Min(_low, _lastPrice);
    }

    private void Trade(DateTimeOffset now)
    {
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

    private uint ToWire(decimal price) => (uint)(price * _divisor);

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
        var (bid, ask) = Quote();
        KiteDepthLevels bids = default;
        KiteDepthLevels asks = default;
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            var bidPrice = (long)bid - (i * (long)_tick);
            bids[i] = bidPrice > 0
                ? new KiteDepthLevel(_lot * (uint)_random.Next(1, 50), (uint)bidPrice, (ushort)_random.Next(1, 20))
                : default;
            asks[i] = new KiteDepthLevel(_lot * (uint)_random.Next(1, 50), ask + ((uint)i * _tick), (ushort)_random.Next(1, 20));
        }
        tick.Bids = bids;
        tick.Asks = asks;
        return tick;
    }

    // The best bid and ask bracket the last price; an option's spread widens with its premium, as on NSE's chains.
    private (uint Bid, uint Ask) Quote()
    {
        var width = _instrument.InstrumentType is "CE" or "PE"
            ? Math.Clamp((int)Math.Round(_lastPrice * 0.004 / _tick), 1, 40)
            : _random.Next(1, 3);
        var below = _random.Next(0, width + 1);
        var bid = (uint)Math.Max(_tick, (long)_lastPrice - (below * (long)_tick));
        var ask = Math.Max(_lastPrice, bid + ((uint)width * _tick));
        return (bid, ask);
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
