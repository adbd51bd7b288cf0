using System.Collections.Concurrent;

namespace TradingHelper.Simulator.Sockets;

/// <summary>
/// Counts what a simulated feed put on the wire: frames, the records in them, and records per key (a Kite token, a Fyers
/// topic), so tests can check every record sent was stored exactly once.
/// </summary>
internal sealed class SentCounts<TKey>(IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, long> _byKey = new(comparer);
    private long _records;
    private long _frames;

    public long Records => Interlocked.Read(ref _records);

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>One frame sent, carrying one record per key listed.</summary>
    public void RecordFrame(ReadOnlySpan<TKey> keys)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _records, keys.Length);
        foreach (var key in keys)
        {
            _byKey.AddOrUpdate(key, 1, static (_, count) => count + 1);
        }
    }

    /// <summary>The counts per key, keyed as the stats API shows them (invariant text), in order.</summary>
    public SortedDictionary<string, long> ByKey()
    {
        var snapshot = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in _byKey)
        {
            snapshot[key is IFormattable formattable ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : key.ToString()!] = count;
        }
        return snapshot;
    }
}
