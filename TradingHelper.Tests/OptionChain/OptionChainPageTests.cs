using System.Globalization;
using Microsoft.Extensions.Options;
using TradingHelper.Core.Streaming;
using TradingHelper.Tests.Api;
using TradingHelper.Tests.Candles;

namespace TradingHelper.Tests.OptionChain;

/// <summary>The live option-chain page in headless Chromium: the chain from the Api, moved by ticks over the WebSocket.</summary>
public sealed class OptionChainPageTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    [Fact(Timeout = 120_000)]
    public async Task The_page_shows_the_chain_and_moves_it_with_live_ticks()
    {
        Assert.SkipUnless(HeadlessChromium.IsInstalled, HeadlessChromium.MissingReason);
        var database = context.Database;
        var now = DateTimeOffset.UtcNow;
        var ids = new Dictionary<string, int>();
        foreach (var (symbol, side, strike, price, oi) in new[]
        {
            ("NIFTY26DEC23900CE", "CE", 23900, 260m, 100_000L), ("NIFTY26DEC23900PE", "PE", 23900, 120m, 300_000L),
            ("NIFTY26DEC24000CE", "CE", 24000, 200m, 200_000L), ("NIFTY26DEC24000PE", "PE", 24000, 170m, 250_000L),
        })
        {
            ids[symbol] = await database.ScalarAsync<int>(string.Create(CultureInfo.InvariantCulture,
                $"""
                INSERT INTO instruments (exchange, tradingsymbol, segment, instrument_type, underlying, expiry, strike, tick_size, lot_size)
                VALUES ('NFO', '{symbol}', 'NFO-OPT', '{side}', 'NIFTY', '2026-12-29', {strike}, 0.05, 75)
                RETURNING instrument_id
                """));
            await database.TickAsync(ids[symbol], now.AddSeconds(-5), price, 1000, oi);
        }
        await database.TickAsync(context.Instruments["NIFTY 50"], now.AddSeconds(-5), 24010m, null);
        var api = context.Start();
        var publisher = new LiveTickPublisher(context.Redis, Options.Create(new LiveTickOptions { Channel = api.TickChannel, QuotesKey = api.QuotesKey }));
        await using var browser = await BrowserSession.StartAsync(api);
        var page = browser.Page;

        await browser.GotoAsync("/option-chain?underlying=NIFTY&expiry=2026-12-29");
        await browser.WaitForAsync($"window.__optionChain && window.__optionChain.loads > 0 && window.__optionChain.subscribed.length === {ids.Count + 1}");

        Assert.Equal(["23,900", "24,000"], await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('td.strike')].map(td => td.textContent)"));
        Assert.Equal("200.00", await CallLtpAsync(page, 24000));
        Assert.Equal("24,010.00", await page.TextContentAsync("#spot"));
        Assert.Equal("24,000", await page.TextContentAsync("#atm"));
        // Puts 550,000 against calls 300,000.
        Assert.Equal("1.83", await page.TextContentAsync("#pcr-oi"));

        await publisher.PublishAsync([new LiveTick(ids["NIFTY26DEC24000CE"], DateTimeOffset.UtcNow, 321.5m, 4000, 260_000, 321.45m, 321.55m, 75, 75, 300m, 75)]);

        await browser.WaitForAsync("[...document.querySelectorAll('tr[data-strike=\"24000\"] td.ltp')][0].textContent === '321.50'");
        Assert.Equal("2,60,000", await page.EvaluateAsync<string>("() => document.querySelector('tr[data-strike=\"24000\"] td.oi').textContent"));
        // The chain is read again after ticks: the totals follow the new OI (puts 550,000 against calls 360,000).
        await browser.WaitForAsync("document.getElementById('pcr-oi').textContent === '1.53'");
        Assert.Empty(browser.Errors);
    }

    private static Task<string> CallLtpAsync(Microsoft.Playwright.IPage page, int strike) =>
        page.EvaluateAsync<string>($"() => document.querySelectorAll('tr[data-strike=\"{strike}\"] td.ltp')[0].textContent");
}
