using System.Text;
using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Tests.Brokers.Fyers;

public class FyersHistoryTests
{
    private static FyersHistoryResponse Parse(string json, int status = 200) => FyersHistoryResponse.Parse(Encoding.UTF8.GetBytes(json), status);

    [Fact]
    public void Candles_read_as_epoch_starts_and_exact_decimal_prices()
    {
        var response = Parse("""{"s":"ok","code":200,"message":"","candles":[[1749786300,1075.0,1077.7,1074.1,1076.35,182340],[1749786360,1076.35,1076.9,1075.55,1075.6,90210.0]]}""");

        Assert.True(response.IsSuccess);
        Assert.Equal(
            [
                new FyersCandle(new DateTimeOffset(2025, 6, 13, 9, 15, 0, TimeSpan.FromMinutes(330)), 1075.0m, 1077.7m, 1074.1m, 1076.35m, 182_340, null),
                new FyersCandle(new DateTimeOffset(2025, 6, 13, 9, 16, 0, TimeSpan.FromMinutes(330)), 1076.35m, 1076.9m, 1075.55m, 1075.6m, 90_210, null),
            ],
            response.Candles);
    }

    [Fact]
    public void Open_interest_is_the_seventh_element_when_asked_for()
    {
        var response = Parse("""{"s":"ok","code":200,"message":"","candles":[[1749786300,24810.1,24815,24801.05,24812.3,7500,11234550]]}""");

        Assert.Equal(11_234_550L, Assert.Single(response.Candles).OpenInterest);
    }

    [Fact]
    public void A_daily_candle_stamped_at_utc_midnight_belongs_to_that_ist_day()
    {
        var daily = Assert.Single(Parse("""{"s":"ok","candles":[[1690934400,100.1,101,99.5,100.2,1000]]}""").Candles);

        Assert.Equal(new DateOnly(2023, 8, 2), daily.TradingDate);
        Assert.Equal(100.1m, daily.Open);
    }

    [Fact]
    public void No_data_is_an_empty_success()
    {
        var response = Parse("""{"s":"no_data","candles":[]}""");

        Assert.True(response.IsSuccess);
        Assert.Empty(response.Candles);
    }

    [Theory]
    [InlineData("""{"s":"error","code":-16,"message":"Could not authenticate the user"}""", 401, FyersApiErrorKind.Authentication, -16)]
    [InlineData("""{"s":"error","code":-8,"message":"Your token has expired"}""", 200, FyersApiErrorKind.Authentication, -8)]
    [InlineData("""{"s":"error","code":-17,"message":"token invalid or expired"}""", 200, FyersApiErrorKind.Authentication, -17)]
    [InlineData("""{"s":"error","code":-352,"message":"Invalid app id"}""", 200, FyersApiErrorKind.Authentication, -352)]
    [InlineData("""{"s":"error","code":-429,"message":"request limit reached"}""", 429, FyersApiErrorKind.RateLimited, -429)]
    [InlineData("""{"s":"error","code":-353,"message":"API Limit exceeded"}""", 200, FyersApiErrorKind.RateLimited, -353)]
    [InlineData("""{"s":"error","code":429,"message":"request limit reached"}""", 429, FyersApiErrorKind.RateLimited, 429)]
    [InlineData("""{"s":"error","code":-50,"message":"Invalid input: range_from"}""", 400, FyersApiErrorKind.InvalidInput, -50)]
    [InlineData("""{"s":"error","code":-300,"message":"Please provide a valid symbol"}""", 200, FyersApiErrorKind.InvalidSymbol, -300)]
    public void Error_envelopes_say_whether_to_stop_retry_or_report(string json, int status, FyersApiErrorKind kind, int code)
    {
        var error = Parse(json, status).Error;

        Assert.NotNull(error);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(code, error.Code);
        Assert.Equal(status, error.HttpStatus);
        Assert.Equal(kind == FyersApiErrorKind.RateLimited, error.IsTransient);
        Assert.NotEmpty(error.Message);
    }

    [Theory]
    [InlineData("<html>Bad Gateway</html>", 502, FyersApiErrorKind.ServerError)]
    [InlineData("""{"message":"forbidden"}""", 403, FyersApiErrorKind.PermissionDenied)]
    [InlineData("", 429, FyersApiErrorKind.RateLimited)]
    [InlineData("""{"s":"ok","candles":[[1749786300,"x",1,1,1,1]]}""", 200, FyersApiErrorKind.Unknown)]
    [InlineData("""{"s":"ok","candles":[[1749786300,1,1]]}""", 200, FyersApiErrorKind.Unknown)]
    public void Bodies_that_are_not_an_envelope_fall_back_to_the_http_status(string body, int status, FyersApiErrorKind kind)
    {
        var response = Parse(body, status);

        Assert.False(response.IsSuccess);
        Assert.Equal(kind, response.Error!.Kind);
        Assert.Null(response.Error.Code);
    }

    [Theory]
    [InlineData("""{"s":"ok","code":200,"message":"","candles":[[1749786300,1075.0,1077.7,1074.1,1076.35,182340],[1749786360,1076.35,1076.9,1075.55,1075.6,90210.0,5]]}""", 200)]
    [InlineData("""{"s":"error","code":429,"message":"request limit reached"}""", 429)]
    [InlineData("<html>Bad Gateway</html>", 502)]
    [InlineData("", 429)]
    [InlineData("""{"s":"ok","candles":[[1749786300,"x",1,1,1,1]]}""", 200)]
    public async Task A_body_read_as_it_streams_in_gives_what_the_whole_body_gives(string body, int status)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));

        var streamed = await FyersHistoryResponse.ReadAsync(stream, status, TestContext.Current.CancellationToken);

        var whole = Parse(body, status);
        Assert.Equal(whole.Candles, streamed.Candles);
        Assert.Equal(whole.Error?.Kind, streamed.Error?.Kind);
        Assert.Equal(whole.Error?.Code, streamed.Error?.Code);
    }

    [Fact]
    public void Minute_history_is_split_into_chunks_of_at_most_100_days()
    {
        var from = new DateTimeOffset(2025, 1, 1, 3, 45, 0, TimeSpan.Zero);
        var to = from.AddDays(250);

        var chunks = FyersHistoryRange.Split(from, to, "5");

        Assert.Equal(
            [
                new FyersHistoryChunk(from, from.AddDays(100)),
                new FyersHistoryChunk(from.AddDays(100), from.AddDays(200)),
                new FyersHistoryChunk(from.AddDays(200), to),
            ],
            chunks);
        Assert.Equal(from.ToUnixTimeSeconds(), chunks[0].FromSeconds);
    }

    [Theory]
    [InlineData("1", 100, 1)]
    [InlineData("240", 100, 1)]
    [InlineData("5S", 100, 1)]
    [InlineData("60", 101, 2)]
    [InlineData("D", 366, 1)]
    [InlineData("1D", 367, 2)]
    [InlineData("1W", 800, 3)]
    [InlineData("1M", 0, 1)]
    public void Each_resolution_reaches_only_as_far_as_the_docs_allow(string resolution, int days, int expectedChunks)
    {
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var chunks = FyersHistoryRange.Split(from, from.AddDays(days), resolution);

        Assert.Equal(expectedChunks, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.To - c.From <= FyersHistoryRange.MaxSpanOf(resolution)));
        Assert.Equal(from, chunks[0].From);
        Assert.Equal(from.AddDays(days), chunks[^1].To);
    }

    [Fact]
    public void Unknown_resolutions_and_backwards_ranges_are_refused()
    {
        var now = DateTimeOffset.UnixEpoch;

        Assert.False(FyersHistoryRange.IsValid("7"));
        Assert.Throws<ArgumentException>(() => FyersHistoryRange.Split(now, now.AddDays(1), "7"));
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersHistoryRange.Split(now.AddDays(1), now, "1"));
    }
}
