namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The state of one topic right after a record updated it: every value known so far, not just the ones the record carried.</summary>
/// <remarks>
/// A value type holding the raw values inline and a reference to the topic bound at snapshot time, so producing one allocates
/// nothing. Prices convert to rupees exactly with the topic's multiplier and precision. A field the server has not sent yet,
/// or that the topic's feed does not carry, is null.
/// </remarks>
public struct FyersQuote
{
    private FyersFieldValues _values;

    internal FyersQuote(FyersTopic topic, FyersRecordKind record, uint messageNumber, uint carried, in FyersFieldValues values)
    {
        Topic = topic;
        Record = record;
        MessageNumber = messageNumber;
        CarriedFields = carried;
        _values = values;
    }

    public FyersTopic Topic { get; }

    public FyersRecordKind Record { get; }

    /// <summary>Number of the data frame the record came in; 0 when the frame had none.</summary>
    public uint MessageNumber { get; }

    /// <summary>Bit n set when this record carried a value (not the sentinel) for position n; repeated ticks differ only in feed time.</summary>
    public uint CarriedFields { get; }

    public readonly decimal? LastPrice => Topic.Kind == FyersTopicKind.Depth ? null : Price(0);

    /// <summary>Cumulative volume of the trading day; a tick's traded quantity is the rise of it.</summary>
    public readonly long? Volume => ScripQuantity(FyersScripField.Volume);

    public readonly long? LastTradedQuantity => ScripQuantity(FyersScripField.LastTradedQuantity);

    public readonly long? TotalBuyQuantity => ScripQuantity(FyersScripField.TotalBuyQuantity);

    public readonly long? TotalSellQuantity => ScripQuantity(FyersScripField.TotalSellQuantity);

    public readonly long? OpenInterest => ScripQuantity(FyersScripField.OpenInterest);

    public readonly decimal? AveragePrice => ScripPrice(FyersScripField.AveragePrice);

    public readonly DateTimeOffset? LastTradeTime => Topic.Kind == FyersTopicKind.Scrip ? Time((int)FyersScripField.LastTradeTime) : null;

    /// <summary>When the exchange published these values, to the second.</summary>
    public readonly DateTimeOffset? ExchangeTime => Topic.Kind switch
    {
        FyersTopicKind.Scrip => Time((int)FyersScripField.ExchangeFeedTime),
        FyersTopicKind.Index => Time((int)FyersIndexField.ExchangeFeedTime),
        _ => null,
    };

    /// <summary>Best bid price: the scrip field, or level 1 of depth.</summary>
    public readonly decimal? BidPrice => Topic.Kind switch
    {
        FyersTopicKind.Scrip => Price((int)FyersScripField.BidPrice),
        FyersTopicKind.Depth => Price((int)FyersDepthField.BidPrice),
        _ => null,
    };

    public readonly decimal? AskPrice => Topic.Kind switch
    {
        FyersTopicKind.Scrip => Price((int)FyersScripField.AskPrice),
        FyersTopicKind.Depth => Price((int)FyersDepthField.AskPrice),
        _ => null,
    };

    public readonly long? BidQuantity => Topic.Kind switch
    {
        FyersTopicKind.Scrip => Quantity((int)FyersScripField.BidQuantity),
        FyersTopicKind.Depth => Quantity((int)FyersDepthField.BidQuantity),
        _ => null,
    };

    public readonly long? AskQuantity => Topic.Kind switch
    {
        FyersTopicKind.Scrip => Quantity((int)FyersScripField.AskQuantity),
        FyersTopicKind.Depth => Quantity((int)FyersDepthField.AskQuantity),
        _ => null,
    };

    public readonly decimal? Open => ScripOrIndexPrice(FyersScripField.Open, FyersIndexField.Open);

    public readonly decimal? High => ScripOrIndexPrice(FyersScripField.High, FyersIndexField.High);

    public readonly decimal? Low => ScripOrIndexPrice(FyersScripField.Low, FyersIndexField.Low);

    /// <summary>The previous session's close, the base of the day's change.</summary>
    public readonly decimal? PreviousClose => ScripOrIndexPrice(FyersScripField.PreviousClose, FyersIndexField.PreviousClose);

    public readonly decimal? YearHigh => ScripOrIndexPrice(FyersScripField.YearHigh, FyersIndexField.YearHigh);

    public readonly decimal? YearLow => ScripOrIndexPrice(FyersScripField.YearLow, FyersIndexField.YearLow);

    public readonly decimal? LowerCircuit => ScripPrice(FyersScripField.LowerCircuit);

    public readonly decimal? UpperCircuit => ScripPrice(FyersScripField.UpperCircuit);

    /// <summary>Bid level 1 to 5 of a depth topic; empty for other topics.</summary>
    public readonly FyersDepthLevel Bid(int level) =>
        Level(level, FyersDepthField.BidPrice, FyersDepthField.BidQuantity, FyersDepthField.BidOrders);

    /// <summary>Ask level 1 to 5 of a depth topic; empty for other topics.</summary>
    public readonly FyersDepthLevel Ask(int level) =>
        Level(level, FyersDepthField.AskPrice, FyersDepthField.AskQuantity, FyersDepthField.AskOrders);

    /// <summary>The raw signed value at a schema position; null when never sent.</summary>
    public readonly int? Raw(int position)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, FyersFieldValues.Capacity);
        var raw = _values[position];
        return raw == FyersFeedDecoder.NoValue ? null : raw;
    }

    /// <summary>The value at a position read as a price in rupees.</summary>
    public readonly decimal? Price(int position) => Raw(position) is { } raw ? Topic.ToRupees(raw) : null;

    /// <summary>The value at a position read as a quantity; unsigned on the wire, which doubles the room before a day's volume overflows.</summary>
    public readonly long? Quantity(int position) => Raw(position) is { } raw ? (uint)raw : null;

    /// <summary>The value at a position read as Unix seconds; null also for zero (no trade yet).</summary>
    public readonly DateTimeOffset? Time(int position) =>
        Raw(position) is { } raw && raw > 0 ? DateTimeOffset.FromUnixTimeSeconds(raw) : null;

    private readonly decimal? ScripPrice(FyersScripField field) => Topic.Kind == FyersTopicKind.Scrip ? Price((int)field) : null;

    private readonly long? ScripQuantity(FyersScripField field) => Topic.Kind == FyersTopicKind.Scrip ? Quantity((int)field) : null;

    private readonly decimal? ScripOrIndexPrice(FyersScripField scrip, FyersIndexField index) => Topic.Kind switch
    {
        FyersTopicKind.Scrip => Price((int)scrip),
        FyersTopicKind.Index => Price((int)index),
        _ => null,
    };

    private readonly FyersDepthLevel Level(int level, FyersDepthField price, FyersDepthField quantity, FyersDepthField orders)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 5);
        if (Topic.Kind != FyersTopicKind.Depth)
        {
            return default;
        }
        var offset = level - 1;
        return new FyersDepthLevel(Price((int)price + offset), Quantity((int)quantity + offset), Quantity((int)orders + offset));
    }
}
