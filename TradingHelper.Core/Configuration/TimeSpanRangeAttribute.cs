using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace TradingHelper.Core.Configuration;

/// <summary>
/// A <see cref="TimeSpan"/> setting within [<paramref name="minimum"/>, <paramref name="maximum"/>] (invariant
/// <c>d.hh:mm:ss</c> text). <see cref="RangeAttribute"/>'s <see cref="Type"/> overload converts through a
/// <c>TypeConverter</c> found by reflection, which Native AOT cannot guarantee; this parses once, up front.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) =>
        value is not TimeSpan span || (span >= Minimum && span <= Maximum);

    public override string FormatErrorMessage(string name) =>
        ErrorMessage ?? string.Create(CultureInfo.InvariantCulture, $"{name} must be between {Minimum} and {Maximum}.");
}
