namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The feed behind a topic, from its prefix; it decides what each value position means.</summary>
public enum FyersTopicKind
{
    /// <summary>A prefix this decoder does not know; values are kept raw.</summary>
    Unknown,
    /// <summary><c>sf|…</c>: 21 quote fields of a tradable instrument.</summary>
    Scrip,
    /// <summary><c>if|…</c>: 6 or 8 fields of an index; no volume, no bid/ask.</summary>
    Index,
    /// <summary><c>dp|…</c>: 30 fields of five-level depth; no last price, volume or times.</summary>
    Depth,
}
