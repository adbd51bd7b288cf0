namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>One contract of the Fyers symbol master, with what an instruments table needs.</summary>
/// <param name="FyersSymbol">The API ticker, e.g. <c>NSE:SBIN-EQ</c>, <c>NSE:NIFTY2672129450CE</c>.</param>
/// <param name="FyersToken">The fytoken: exchange, segment, expiry YYMMDD, exchange token (e.g. <c>10100000003045</c>).</param>
/// <param name="Exchange">NSE, BSE or MCX.</param>
/// <param name="Segment">Exchange and segment, named like the master files: NSE_CM, NSE_FO, NSE_CD, NSE_COM, BSE_CM, BSE_FO, MCX_COM.</param>
/// <param name="TradingSymbol">The ticker without its exchange, e.g. <c>SBIN-EQ</c>.</param>
/// <param name="ExchangeToken">The exchange's scrip code, e.g. <c>3045</c>.</param>
/// <param name="Name">The description, e.g. <c>STATE BANK OF INDIA</c> or <c>NIFTY 21 Jul 26 29450 CE</c>.</param>
/// <param name="InstrumentType">The exchange instrument type's name: EQ, INDEX, FUTIDX, FUTSTK, OPTIDX, OPTSTK, FUTCOM, …</param>
/// <param name="InstrumentTypeCode">The numeric type as in the file.</param>
/// <param name="Underlying">The underlying's symbol, e.g. <c>NIFTY</c>.</param>
/// <param name="UnderlyingFyersToken">The underlying's fytoken, e.g. <c>101000000026000</c>.</param>
/// <param name="Expiry">The expiry day (IST) of a derivative.</param>
/// <param name="ExpiresAt">The expiry instant: the session close of the expiry day.</param>
/// <param name="Strike">An option's strike in rupees.</param>
/// <param name="OptionType">CE or PE for options.</param>
/// <param name="TickSize">Price step in rupees.</param>
/// <param name="LotSize">Contracts per lot; 0 for indices, and always 1 in the MCX and currency files, whose real multiplier is only in the JSON master.</param>
/// <param name="Isin">ISIN of a cash instrument.</param>
public sealed record FyersInstrument(
    string FyersSymbol,
    string FyersToken,
    string Exchange,
    string Segment,
    string TradingSymbol,
    string ExchangeToken,
    string Name,
    string InstrumentType,
    int InstrumentTypeCode,
    string? Underlying,
    string? UnderlyingFyersToken,
    DateOnly? Expiry,
    DateTimeOffset? ExpiresAt,
    decimal? Strike,
    string? OptionType,
    decimal TickSize,
    int LotSize,
    string? Isin);
