namespace TradingHelper.Core.Brokers.Kite;

/// <summary>Exchange segment carried in the low byte of every Kite instrument token.</summary>
public enum KiteSegment : byte
{
    Unknown = 0,
    Nse = 1,
    Nfo = 2,
    Cds = 3,
    Bse = 4,
    Bfo = 5,
    Bcd = 6,
    Mcx = 7,
    McxSx = 8,
    Indices = 9,
}
