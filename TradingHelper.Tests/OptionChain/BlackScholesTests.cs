using TradingHelper.Api.OptionChain;

namespace TradingHelper.Tests.OptionChain;

/// <summary>The chain's option model against a published example and the independent reference.</summary>
public sealed class BlackScholesTests
{
    // Hull, Options, Futures, and Other Derivatives, example 15.6: S = 42, K = 40, r = 10 %, σ = 20 %, T = 0.5 → c = 4.76, p = 0.81.
    [Fact]
    public void Prices_hulls_textbook_example()
    {
        Assert.Equal(4.76, BlackScholes.Price(true, 42, 40, 0.5, 0.2, 0.1), 2);
        Assert.Equal(0.81, BlackScholes.Price(false, 42, 40, 0.5, 0.2, 0.1), 2);
    }

    [Fact]
    public void Implied_volatility_of_the_textbook_prices_is_twenty_percent()
    {
        Assert.Equal(0.20, BlackScholes.ImpliedVolatility(true, 4.76, 42, 40, 0.5, 0.1)!.Value, 2);
        Assert.Equal(0.20, BlackScholes.ImpliedVolatility(false, 0.81, 42, 40, 0.5, 0.1)!.Value, 2);
    }

    [Theory]
    [InlineData(true, 24010, 23900, 0.09, 0.14)]
    [InlineData(false, 24010, 24100, 0.09, 0.11)]
    [InlineData(true, 51200, 53000, 0.02, 0.18)]
    [InlineData(false, 51200, 49000, 0.01, 0.25)]
    public void Implied_volatility_agrees_with_the_reference_bisection(bool isCall, double spot, double strike, double years, double volatility)
    {
        var price = ReferenceBlackScholes.Price(isCall, spot, strike, years, volatility, 0.065);

        var implied = BlackScholes.ImpliedVolatility(isCall, price, spot, strike, years, 0.065);

        Assert.Equal(ReferenceBlackScholes.ImpliedVolatility(isCall, price, spot, strike, years, 0.065), implied!.Value, 3);
        Assert.Equal(volatility, implied.Value, 3);
    }

    [Theory]
    [InlineData(true, 9.99)]
    [InlineData(false, 0)]
    [InlineData(true, 50)]
    public void A_price_no_volatility_explains_has_none(bool isCall, double price) =>
        // A call on 50 struck at 40 is worth at least 10 less the rate's tenth of a rupee, and never more than the index.
        Assert.Null(BlackScholes.ImpliedVolatility(isCall, price, 50, 40, 0.01, 0.065));

    [Fact]
    public void Delta_of_a_call_less_a_put_is_one()
    {
        var call = BlackScholes.Delta(true, 24010, 24000, 0.05, 0.13, 0.065);
        var put = BlackScholes.Delta(false, 24010, 24000, 0.05, 0.13, 0.065);

        Assert.InRange(call, 0.5, 0.6);
        Assert.Equal(1, call - put, 10);
    }
}
