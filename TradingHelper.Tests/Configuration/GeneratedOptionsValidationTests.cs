using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Candles;
using TradingHelper.Core.Configuration;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Tests.Configuration;

/// <summary>
/// The Ingestor's settings are checked by source-generated validators (it ships as Native AOT): a setting out of its
/// <see cref="TimeSpanRangeAttribute"/> range is refused by name, bound from configuration as the host binds it.
/// </summary>
public sealed class GeneratedOptionsValidationTests
{
    [Theory]
    [InlineData("Kite:WatchdogTimeout", "00:00:00.500")]
    [InlineData("Kite:WatchdogTimeout", "00:10:01")]
    [InlineData("Kite:ReconnectInitialDelay", "00:00:00.010")]
    public void A_time_span_outside_its_range_is_refused_by_name(string key, string value)
    {
        using var provider = Bind<KiteOptions, KiteOptions.Validator>(KiteOptions.SectionName, key, value);

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KiteOptions>>().Value);

        Assert.Contains(key.Split(':')[1], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:01")]
    [InlineData("00:10:00")]
    public void A_time_span_at_either_end_of_its_range_is_taken(string value)
    {
        using var provider = Bind<KiteOptions, KiteOptions.Validator>(KiteOptions.SectionName, "Kite:WatchdogTimeout", value);

        Assert.Equal(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture), provider.GetRequiredService<IOptions<KiteOptions>>().Value.WatchdogTimeout);
    }

    [Fact]
    public void A_range_with_its_own_message_reports_that_message()
    {
        using var provider = Bind<CandleOptions, CandleOptions.Validator>(CandleOptions.SectionName, "Candles:RefreshInterval", "02:00:00");

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CandleOptions>>().Value);

        Assert.Contains("Candles:RefreshInterval must be between 1 second and 1 hour.", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Bind<TOptions, TValidator>(string section, string key, string value)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateWith<TOptions, TValidator>();
        return services.BuildServiceProvider();
    }
}
