using System.Globalization;
using System.Text.RegularExpressions;

namespace TradingHelper.Tests.Observability;

/// <summary>The value a dashboard variable holds when a query runs: one value, or several for a multi-value variable.</summary>
internal sealed record VariableValue(IReadOnlyList<string> Values, bool Multi)
{
    public static VariableValue Single(string value) => new([value], false);
}

/// <summary>
/// Turns a dashboard query into the text Grafana 12 sends to the database or Prometheus: the browser interpolates
/// template variables, then the PostgreSQL datasource backend replaces its global variables and macros
/// (grafana/grafana pkg/tsdb/grafana-postgresql-datasource/macros.go and sqleng's Interpolate).
/// </summary>
internal static partial class GrafanaTemplate
{
    /// <summary>Browser side, PostgreSQL datasource: multi-value variables become a list of quoted literals.</summary>
    public static string InterpolateSqlVariables(string sql, IReadOnlyDictionary<string, VariableValue> variables) =>
        InterpolateVariables(sql, variables, value => value.Multi
            ? string.Join(',', value.Values.Select(v => $"'{v.Replace("'", "''", StringComparison.Ordinal)}'"))
            : value.Values[0].Replace("'", "''", StringComparison.Ordinal));

    /// <summary>Browser side, Prometheus datasource: the range and interval variables Grafana computes, substituted as they are.</summary>
    public static string InterpolatePromQlVariables(string expr, IReadOnlyDictionary<string, VariableValue> variables) =>
        InterpolateVariables(expr, variables, value => value.Values.Single());

    /// <summary>
    /// Server side: <c>$__interval</c>, <c>$__interval_ms</c> and the macros. <paramref name="timescaleDb"/> is the
    /// datasource's <c>jsonData.timescaledb</c>: with it <c>$__timeGroup</c> becomes <c>time_bucket()</c>.
    /// </summary>
    public static string ExpandSqlMacros(string sql, DateTimeOffset from, DateTimeOffset to, TimeSpan interval, bool timescaleDb)
    {
        sql = sql.Replace("$__interval_ms", ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__interval", FormatInterval(interval), StringComparison.Ordinal)
            .Replace("$__unixEpochFrom()", from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$__unixEpochTo()", to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        return Macro().Replace(sql, match =>
        {
            var name = match.Groups[1].Value;
            var args = match.Groups[2].Value.Split(',').Select(arg => arg.Trim(' ')).ToArray();
            // As in Grafana: $__timeGroup directly followed by a comma is taken for the old aliasing form.
            if (name == "__timeGroup" && match.Index + match.Length < sql.Length && sql[match.Index + match.Length] == ',')
            {
                name = "__timeGroupAlias";
            }
            return Evaluate(name, args);
        });

        string Evaluate(string name, string[] args) => name switch
        {
            "__time" => $"{args[0]} AS \"time\"",
            "__timeEpoch" => $"extract(epoch from {args[0]}) as \"time\"",
            "__timeFilter" => $"{args[0]} BETWEEN '{Rfc3339(from)}' AND '{Rfc3339(to)}'",
            "__timeFrom" => $"'{Rfc3339(from)}'",
            "__timeTo" => $"'{Rfc3339(to)}'",
            "__timeGroup" => TimeGroup(args),
            "__timeGroupAlias" => $"{TimeGroup(args)} AS \"time\"",
            _ => throw new InvalidOperationException($"unknown macro \"{name}\""),
        };

        string TimeGroup(string[] args)
        {
            if (args.Length < 2)
            {
                throw new InvalidOperationException("macro __timeGroup needs time column and interval and optional fill value");
            }
            var seconds = ParseInterval(args[1].Trim('\'')).TotalSeconds;
            return timescaleDb
                ? string.Create(CultureInfo.InvariantCulture, $"time_bucket('{seconds:F3}s',{args[0]})")
                : string.Create(CultureInfo.InvariantCulture, $"floor(extract(epoch from {args[0]})/{seconds})*{seconds}");
        }
    }

    /// <summary>Grafana's gtime.FormatInterval: the largest whole unit.</summary>
    public static string FormatInterval(TimeSpan interval) => interval switch
    {
        _ when interval >= TimeSpan.FromDays(365) => $"{(long)(interval / TimeSpan.FromDays(365))}y",
        _ when interval >= TimeSpan.FromDays(1) => $"{(long)interval.TotalDays}d",
        _ when interval >= TimeSpan.FromHours(1) => $"{(long)interval.TotalHours}h",
        _ when interval >= TimeSpan.FromMinutes(1) => $"{(long)interval.TotalMinutes}m",
        _ when interval >= TimeSpan.FromSeconds(1) => $"{(long)interval.TotalSeconds}s",
        _ when interval >= TimeSpan.FromMilliseconds(1) => $"{(long)interval.TotalMilliseconds}ms",
        _ => "1ms",
    };

    /// <summary>Grafana's gtime.ParseInterval for the units dashboards use.</summary>
    public static TimeSpan ParseInterval(string text)
    {
        var match = IntervalText().Match(text);
        if (!match.Success)
        {
            throw new InvalidOperationException($"error parsing interval {text}");
        }
        var amount = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "h" => TimeSpan.FromHours(amount),
            "d" => TimeSpan.FromDays(amount),
            "w" => TimeSpan.FromDays(7 * amount),
            _ => TimeSpan.FromDays(365 * amount),
        };
    }

    // Go's time.RFC3339Nano: UTC, fraction only when there is one.
    private static string Rfc3339(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture);

    private static string InterpolateVariables(string text, IReadOnlyDictionary<string, VariableValue> variables, Func<VariableValue, string> format) =>
        Variable().Replace(text, match =>
        {
            var name = match.Groups["plain"].Success ? match.Groups["plain"].Value
                : match.Groups["braced"].Success ? match.Groups["braced"].Value
                : match.Groups["old"].Value;
            // Unknown names stay as written, as in Grafana: they may be macros the datasource expands.
            return variables.TryGetValue(name, out var value) ? format(value) : match.Value;
        });

    // Grafana's TemplateSrv syntax: $name, ${name} and the deprecated [[name]].
    [GeneratedRegex(@"\$(?<plain>\w+)|\$\{(?<braced>\w+)\}|\[\[(?<old>\w+)\]\]")]
    private static partial Regex Variable();

    // macros.go: `\$([_a-zA-Z0-9]+)\(([^\)]*)\)`.
    [GeneratedRegex(@"\$([_a-zA-Z0-9]+)\(([^\)]*)\)")]
    private static partial Regex Macro();

    [GeneratedRegex(@"^(\d+)(ms|s|m|h|d|w|y)$")]
    private static partial Regex IntervalText();
}
