using System.Runtime.CompilerServices;

namespace TradingHelper.Core.Brokers.Fyers;

/// <summary>The raw values of one topic held inline, so a quote copies them without allocating.</summary>
[InlineArray(Capacity)]
internal struct FyersFieldValues
{
    /// <summary>The widest schema (depth) has 30 values; two spare slots absorb a schema that grows.</summary>
    public const int Capacity = 32;

    private int _value0;
}
