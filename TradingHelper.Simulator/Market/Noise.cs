namespace TradingHelper.Simulator.Market;

/// <summary>Stateless, well-mixed random numbers (SplitMix64), so any minute of any instrument can be computed on its own.</summary>
internal static class Noise
{
    public static ulong Of(ulong seed, ulong key, ulong index, ulong stream)
    {
        var z = seed ^ (key << 20) ^ (index * 0x9E3779B97F4A7C15UL) ^ (stream * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, 1).</summary>
    public static double Unit(ulong seed, ulong key, ulong index, ulong stream) => (Of(seed, key, index, stream) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A stable key for a name (FNV-1a): <see cref="string.GetHashCode()"/> changes from run to run.</summary>
    public static ulong Of(string name)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }
        return hash;
    }
}
