using System.Globalization;
using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Core.Market;

namespace TradingHelper.Simulator.Market;

/// <summary>The instruments the simulator quotes: two indices, their futures and weekly options, fifty stocks and their futures, with their pricing.</summary>
internal sealed class InstrumentUniverse
{
    public const uint Nifty50Token = 256265;
    public const uint NiftyBankToken = 260105;

    private const int StrikesEachSide = 10;
    private const double StockVolatility = 0.25;
    private const uint FirstDerivativeExchangeToken = 35_001;

    // Synthetic stocks take exchange tokens far above the real ones (which stay under 30,000) and under 2^24.
    private const uint FirstSyntheticExchangeToken = 9_000_001;

    // Symbol, company, NSE exchange token, reference price, F&O lot size.
    private static readonly (string Symbol, string Name, uint ExchangeToken, decimal Price, int Lot)[] Stocks =
    [
        ("RELIANCE", "RELIANCE INDUSTRIES", 2885, 1450m, 500), ("TCS", "TATA CONSULTANCY SERV LT", 11536, 3500m, 175),
        ("HDFCBANK", "HDFC BANK", 1333, 1700m, 550), ("INFY", "INFOSYS", 1594, 1573m, 400),
        ("ICICIBANK", "ICICI BANK.", 4963, 1250m, 700), ("HINDUNILVR", "HINDUSTAN UNILEVER.", 1394, 2400m, 300),
        ("ITC", "ITC", 1660, 420m, 1600), ("SBIN", "STATE BANK OF INDIA", 3045, 810m, 750),
        ("BHARTIARTL", "BHARTI AIRTEL", 10604, 1600m, 475), ("KOTAKBANK", "KOTAK MAHINDRA BANK", 1922, 1800m, 400),
        ("LT", "LARSEN & TOUBRO.", 11483, 3600m, 150), ("AXISBANK", "AXIS BANK", 5900, 1150m, 625),
        ("ASIANPAINT", "ASIAN PAINTS", 236, 2450m, 200), ("MARUTI", "MARUTI SUZUKI INDIA.", 10999, 12500m, 50),
        ("SUNPHARMA", "SUN PHARMACEUTICAL IND L", 3351, 1750m, 350), ("TITAN", "TITAN COMPANY", 3506, 3400m, 175),
        ("ULTRACEMCO", "ULTRATECH CEMENT", 11532, 11200m, 50), ("BAJFINANCE", "BAJAJ FINANCE", 317, 7000m, 125),
        ("WIPRO", "WIPRO", 3787, 300m, 3000), ("NESTLEIND", "NESTLE INDIA", 17963, 2300m, 250),
        ("HCLTECH", "HCL TECHNOLOGIES", 7229, 1650m, 350), ("TATAMOTORS", "TATA MOTORS", 3456, 700m, 800),
        ("POWERGRID", "POWER GRID CORP.", 14977, 310m, 1900), ("NTPC", "NTPC", 11630, 360m, 1500),
        ("M&M", "MAHINDRA & MAHINDRA", 2031, 2900m, 350), ("TATASTEEL", "TATA STEEL", 3499, 150m, 5500),
        ("ONGC", "OIL AND NATURAL GAS CORP.", 2475, 250m, 2250), ("JSWSTEEL", "JSW STEEL", 11723, 950m, 675),
        ("ADANIPORTS", "ADANI PORT & SEZ", 15083, 1400m, 475), ("COALINDIA", "COAL INDIA", 20374, 390m, 1350),
        ("BAJAJFINSV", "BAJAJ FINSERV", 16675, 1900m, 250), ("GRASIM", "GRASIM INDUSTRIES", 1232, 2600m, 250),
        ("HINDALCO", "HINDALCO INDUSTRIES", 1363, 650m, 1400), ("TECHM", "TECH MAHINDRA", 13538, 1550m, 600),
        ("DRREDDY", "DR. REDDY S LABORATORIES", 881, 1250m, 625), ("CIPLA", "CIPLA", 694, 1500m, 375),
        ("BRITANNIA", "BRITANNIA INDUSTRIES", 547, 5500m, 125), ("EICHERMOT", "EICHER MOTORS", 910, 5600m, 175),
        ("HEROMOTOCO", "HERO MOTOCORP", 1348, 4400m, 150), ("APOLLOHOSP", "APOLLO HOSPITALS ENTER. L", 157, 7000m, 125),
        ("DIVISLAB", "DIVI S LABORATORIES", 10940, 6000m, 100), ("BPCL", "BHARAT PETROLEUM CORP  LT", 526, 320m, 1975),
        ("INDUSINDBK", "INDUSIND BANK", 5258, 800m, 700), ("TATACONSUM", "TATA CONSUMER PRODUCT", 3432, 1100m, 550),
        ("SBILIFE", "SBI LIFE INSURANCE CO", 21808, 1800m, 375), ("HDFCLIFE", "HDFC LIFE INS CO", 467, 750m, 1100),
        ("BAJAJ-AUTO", "BAJAJ AUTO", 16669, 8800m, 75), ("ADANIENT", "ADANI ENTERPRISES", 25, 2400m, 300),
        ("SHRIRAMFIN", "SHRIRAM FINANCE", 4306, 650m, 825), ("LTIM", "LTIMINDTREE", 17818, 5200m, 150),
    ];

    private readonly Dictionary<uint, SimulatedInstrument> _byToken;

    private InstrumentUniverse(IReadOnlyList<SimulatedInstrument> instruments, DateOnly tradingDay, PricingModel pricing)
    {
        Instruments = instruments;
        TradingDay = tradingDay;
        Pricing = pricing;
        _byToken = instruments.ToDictionary(instrument => instrument.InstrumentToken);
    }

    public IReadOnlyList<SimulatedInstrument> Instruments { get; }

    /// <summary>The IST day the expiries were computed for.</summary>
    public DateOnly TradingDay { get; }

    /// <summary>Prices every instrument of the universe at any instant.</summary>
    public PricingModel Pricing { get; }

    public bool TryGet(uint instrumentToken, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SimulatedInstrument? instrument) =>
        _byToken.TryGetValue(instrumentToken, out instrument);

    /// <summary>
    /// Builds the universe for the IST day of <paramref name="now"/>, its option strikes centred on each index's level at
    /// <paramref name="pricedAt"/> (default: <paramref name="now"/>); the same seed and instants give the same universe.
    /// </summary>
    public static InstrumentUniverse Create(int seed, DateTimeOffset now, int extraStocks = 0, DateTimeOffset? pricedAt = null)
    {
        var today = DateOnly.FromDateTime(now.ToOffset(IndianMarket.IstOffset).DateTime);
        var at = pricedAt ?? now;
        var weekly = ExpiryCalendar.Weekly(today);
        var monthly = ExpiryCalendar.Monthly(today);
        var pricing = new PricingModel(seed);
        var instruments = new List<SimulatedInstrument>();
        var nextDerivative = FirstDerivativeExchangeToken;

        SimulatedInstrument Priced(SimulatedInstrument instrument) =>
            instrument with { BasePrice = pricing.LastPrice(instrument, at) / (decimal)KiteInstrumentToken.PriceDivisorOf(instrument.InstrumentToken) };

        SimulatedInstrument Derivative(string symbol, string underlying, DateOnly expiry, decimal strike, int lot, string type) =>
            Priced(new(KiteInstrumentToken.Create(nextDerivative, KiteSegment.Nfo), nextDerivative++, symbol, underlying, expiry, strike, 0.05m, lot,
                type, type == "FUT" ? "NFO-FUT" : "NFO-OPT", "NFO", 0m, underlying));

        // Index volatility as NSE's indices have lately shown it; options are quoted a little above it (the VIX sits near 13).
        foreach (var (token, symbol, underlying, reference, step, lot, volatility, implied) in new[]
        {
            (Nifty50Token, "NIFTY 50", "NIFTY", 24350m, 50m, 75, 0.12, 0.13),
            (NiftyBankToken, "NIFTY BANK", "BANKNIFTY", 51200m, 100m, 35, 0.15, 0.15),
        })
        {
            pricing.Add(underlying, reference, volatility, implied);
            var index = Priced(new SimulatedInstrument(token, KiteInstrumentToken.ExchangeTokenOf(token), symbol, symbol, null, 0m, 0.05m, 0,
                "EQ", "INDICES", "NSE", 0m, underlying));
            instruments.Add(index);
            instruments.Add(Derivative(FutureSymbol(underlying, monthly), underlying, monthly, 0m, lot, "FUT"));
            // Strikes are centred on where the index trades, in NSE's steps, as the exchange lists them around the money.
            var atm = Math.Round(index.BasePrice / step, MidpointRounding.AwayFromZero) * step;
            for (var i = -StrikesEachSide; i <= StrikesEachSide; i++)
            {
                var strike = atm + (i * step);
                foreach (var right in new[] { "CE", "PE" })
                {
                    instruments.Add(Derivative(OptionSymbol(underlying, weekly, monthly, strike, right), underlying, weekly, strike, lot, right));
                }
            }
        }

        foreach (var (symbol, name, exchangeToken, price, lot) in Stocks)
        {
            pricing.Add(symbol, price, StockVolatility, StockVolatility);
            instruments.Add(Priced(new SimulatedInstrument(KiteInstrumentToken.Create(exchangeToken, KiteSegment.Nse), exchangeToken, symbol, name,
                null, 0m, 0.05m, 1, "EQ", "NSE", "NSE", 0m, symbol)));
            instruments.Add(Derivative(FutureSymbol(symbol, monthly), symbol, monthly, 0m, lot, "FUT"));
        }

        // Added after the real list so the real instruments keep their tokens and prices whatever the count.
        for (var i = 0; i < extraStocks; i++)
        {
            var symbol = string.Create(CultureInfo.InvariantCulture, $"SYN{i + 1:00000}");
            var exchangeToken = FirstSyntheticExchangeToken + (uint)i;
            pricing.Add(symbol, 100m + (i % 50 * 20m), StockVolatility, StockVolatility);
            instruments.Add(Priced(new SimulatedInstrument(KiteInstrumentToken.Create(exchangeToken, KiteSegment.Nse), exchangeToken, symbol,
                $"SYNTHETIC {symbol}", null, 0m, 0.05m, 1, "EQ", "NSE", "NSE", 0m, symbol)));
            instruments.Add(Derivative(FutureSymbol(symbol, monthly), symbol, monthly, 0m, 500, "FUT"));
        }

        return new InstrumentUniverse(instruments, today, pricing);
    }

    private static string FutureSymbol(string underlying, DateOnly expiry) =>
        string.Create(CultureInfo.InvariantCulture, $"{underlying}{expiry:yy}{MonthCode(expiry)}FUT");

    // NSE names a weekly option by year, a one-character month and the day; a monthly one by year and month.
    private static string OptionSymbol(string underlying, DateOnly weekly, DateOnly monthly, decimal strike, string right)
    {
        var expiry = weekly == monthly
            ? string.Create(CultureInfo.InvariantCulture, $"{weekly:yy}{MonthCode(weekly)}")
            : string.Create(CultureInfo.InvariantCulture, $"{weekly:yy}{WeeklyMonthCode(weekly.Month)}{weekly:dd}");
        return string.Create(CultureInfo.InvariantCulture, $"{underlying}{expiry}{strike:0}{right}");
    }

    private static string MonthCode(DateOnly date) => date.ToString("MMM", CultureInfo.InvariantCulture).ToUpperInvariant();

    private static char WeeklyMonthCode(int month) => month switch
    {
        10 => 'O',
        11 => 'N',
        12 => 'D',
        _ => (char)('0' + month),
    };
}
