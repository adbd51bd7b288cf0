using System.Globalization;

namespace TradingHelper.LoadTest;

/// <summary>One scrape of a Prometheus text endpoint: sums of samples by metric name and, for histograms, by bucket.</summary>
internal sealed class Scrape
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public static Scrape Parse(string text)
    {
        var scrape = new Scrape();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.LastIndexOf(' ');
            if (space <= 0)
            {
                continue;
            }
            // The exporter may append a timestamp after the value; the value is then the second-to-last field.
            var parts = line[(brace >= 0 ? line.IndexOf('}', StringComparison.Ordinal) + 1 : line.IndexOf(' ', StringComparison.Ordinal))..]
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var name = brace >= 0 ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
            var labels = brace >= 0 ? line[(brace + 1)..line.IndexOf('}', StringComparison.Ordinal)] : "";
            if (parts.Length > 0 && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                scrape._samples.Add((name, labels, value));
            }
        }
        return scrape;
    }

    public double Sum(string name) => _samples.Where(s => s.Name == name).Sum(s => s.Value);

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="label"/> (e.g. <c>gc_heap_generation="gen2"</c>).</summary>
    public double Sum(string name, string label) =>
        _samples.Where(s => s.Name == name && s.Labels.Contains(label, StringComparison.Ordinal)).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    /// <summary>Cumulative bucket counts by upper bound (+Inf as infinity), summed over every other label.</summary>
    public SortedDictionary<double, double> Buckets(string histogram)
    {
        var result = new SortedDictionary<double, double>();
        foreach (var (name, labels, value) in _samples.Where(s => s.Name == histogram + "_bucket"))
        {
            var le = labels.Split(',').Select(l => l.Trim()).First(l => l.StartsWith("le=", StringComparison.Ordinal))[4..^1];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            result[bound] = result.GetValueOrDefault(bound) + value;
        }
        return result;
    }

    /// <summary>The q-quantile of the observations between two scrapes, interpolated inside its bucket as Prometheus does.</summary>
    public static (double Value, double Count) Quantile(SortedDictionary<double, double> before, SortedDictionary<double, double> after, double q)
    {
        var bounds = after.Keys.ToArray();
        var cumulative = bounds.Select(b => after[b] - before.GetValueOrDefault(b)).ToArray();
        if (cumulative.Length == 0 || cumulative[^1] <= 0)
        {
            return (double.NaN, 0);
        }
        var total = cumulative[^1];
        var rank = q * total;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (cumulative[i] >= rank)
            {
                if (double.IsPositiveInfinity(bounds[i]))
                {
                    return (i > 0 ? bounds[i - 1] : double.NaN, total);
                }
                var lower = i == 0 ? 0 : bounds[i - 1];
                var below = i == 0 ? 0 : cumulative[i - 1];
                var inBucket = cumulative[i] - below;
                return (inBucket <= 0 ? bounds[i] : lower + ((bounds[i] - lower) * (rank - below) / inBucket), total);
            }
        }
        return (double.NaN, total);
    }
}

/// <summary>Reads a process's resident memory and CPU time from /proc.</summary>
internal static class Proc
{
    private static readonly double ClockTicks = 100.0; // USER_HZ is 100 on Linux x64.

    public static long RssBytes(int pid, string field = "VmRSS:")
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // Gone between listing and reading.
        }
        return 0;
    }

    /// <summary>User + system CPU seconds of a process.</summary>
    public static double CpuSeconds(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicks;
    }

    /// <summary>The process and its direct children (PostgreSQL backends are children of the postmaster).</summary>
    public static double CpuSecondsWithChildren(int pid)
    {
        var total = CpuSeconds(pid);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var child) && child != pid)
            {
                var fields = StatFields(child);
                if (fields is not null && fields[1] == pid.ToString(CultureInfo.InvariantCulture))
                {
                    total += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / ClockTicks;
                }
            }
        }
        return total;
    }

    /// <summary>The 1/5/15-minute load averages and the CPU pressure (share of time some task waited for a CPU, last 60 s).</summary>
    public static string LoadAverage()
    {
        try
        {
            var load = string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
            var pressure = File.Exists("/proc/pressure/cpu")
                ? File.ReadLines("/proc/pressure/cpu").First().Split(' ').FirstOrDefault(f => f.StartsWith("avg60=", StringComparison.Ordinal))
                : null;
            return pressure is null ? load : $"{load} (CPU pressure some {pressure})";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    // Fields after the ")" that ends the command name: [0]=state, [1]=ppid, ..., [11]=utime, [12]=stime.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Latencies in 0.1 ms bins up to 10 s (larger ones in an overflow bin), so a long run costs fixed memory.</summary>
internal sealed class LatencyHistogram
{
    private const double BinSeconds = 0.0001;
    private readonly long[] _bins = new long[100_001];
    private double _max;

    public long Count { get; private set; }

    public void Record(double seconds)
    {
        var bin = seconds <= 0 ? 0 : (int)Math.Min(_bins.Length - 1, seconds / BinSeconds);
        _bins[bin]++;
        Count++;
        _max = Math.Max(_max, seconds);
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _bins.Length; i++)
        {
            _bins[i] += other._bins[i];
        }
        Count += other.Count;
        _max = Math.Max(_max, other._max);
    }

    public double Max => _max;

    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return double.NaN;
        }
        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < _bins.Length; i++)
        {
            seen += _bins[i];
            if (seen >= rank)
            {
                return (i + 1) * BinSeconds;
            }
        }
        return _max;
    }
}
