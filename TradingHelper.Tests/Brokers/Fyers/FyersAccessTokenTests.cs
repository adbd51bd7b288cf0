using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TradingHelper.Core.Brokers.Fyers;

namespace TradingHelper.Tests.Brokers.Fyers;

public class FyersAccessTokenTests
{
    // 2025-06-13 09:23 IST, a morning login; the token lapses at 06:00 IST the next day.
    private static readonly DateTimeOffset Issued = new(2025, 6, 13, 3, 53, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextDay0600Ist = new(2025, 6, 14, 0, 30, 0, TimeSpan.Zero);

    private static string Jwt(string payloadJson) =>
        $"{Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8)}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson))}.c2lnbmF0dXJl";

    private static string Payload(string hsmKey) =>
        $$"""{"iss":"api.fyers.in","iat":{{Issued.ToUnixTimeSeconds()}},"exp":{{NextDay0600Ist.ToUnixTimeSeconds()}},"sub":"access_token","hsm_key":{{hsmKey}},"appType":100}""";

    [Fact]
    public void The_hsm_key_and_expiry_come_from_the_payload()
    {
        var jwt = Jwt(Payload($"\"{FyersTestVectors.HsmKey}\""));

        var token = FyersAccessToken.Parse(jwt, new FakeTimeProvider(Issued));

        Assert.Equal(FyersTestVectors.HsmKey, token.HsmKey);
        Assert.Equal(NextDay0600Ist, token.ExpiresAt);
        Assert.Equal(jwt, token.Jwt);
    }

    [Fact]
    public void The_app_id_prefix_of_the_sdk_form_is_dropped()
    {
        var jwt = Jwt(Payload($"\"{FyersTestVectors.HsmKey}\""));

        var token = FyersAccessToken.Parse($"XC4XXXXM-100:{jwt}", new FakeTimeProvider(Issued));

        Assert.Equal(jwt, token.Jwt);
        Assert.Equal(FyersTestVectors.HsmKey, token.HsmKey);
    }

    [Fact]
    public void A_token_past_its_expiry_is_refused_and_a_valid_one_expires_on_time()
    {
        var jwt = Jwt(Payload($"\"{FyersTestVectors.HsmKey}\""));
        var clock = new FakeTimeProvider(Issued);
        var token = FyersAccessToken.Parse(jwt, clock);

        clock.SetUtcNow(NextDay0600Ist);

        Assert.True(token.IsExpired(clock));
        var error = Assert.Throws<FyersAccessTokenException>(() => FyersAccessToken.Parse(jwt, clock));
        Assert.Equal(FyersAccessTokenProblem.Expired, error.Problem);
    }

    [Theory]
    [InlineData("null", FyersAccessTokenProblem.MissingHsmKey)]
    [InlineData("\"\"", FyersAccessTokenProblem.MissingHsmKey)]
    public void A_token_without_an_hsm_key_cannot_open_the_socket(string hsmKey, FyersAccessTokenProblem problem)
    {
        var error = Assert.Throws<FyersAccessTokenException>(() => FyersAccessToken.Parse(Jwt(Payload(hsmKey)), new FakeTimeProvider(Issued)));

        Assert.Equal(problem, error.Problem);
        Assert.Contains("hsm_key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_without_an_expiry_is_refused()
    {
        var error = Assert.Throws<FyersAccessTokenException>(() =>
            FyersAccessToken.Parse(Jwt($"{{\"hsm_key\":\"{FyersTestVectors.HsmKey}\"}}"), new FakeTimeProvider(Issued)));

        Assert.Equal(FyersAccessTokenProblem.MissingExpiry, error.Problem);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("a.!!!.c")]
    [InlineData("a.bm90IGpzb24.c")]
    [InlineData("a.WzFd.c")]
    public void A_malformed_token_says_so(string token)
    {
        var error = Assert.Throws<FyersAccessTokenException>(() => FyersAccessToken.Parse(token, new FakeTimeProvider(Issued)));

        Assert.Equal(FyersAccessTokenProblem.Malformed, error.Problem);
    }
}
