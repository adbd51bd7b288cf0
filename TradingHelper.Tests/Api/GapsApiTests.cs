using System.Net;
using System.Text.Json;

namespace TradingHelper.Tests.Api;

public sealed class GapsApiTests(MarketApiContext context) : IClassFixture<MarketApiContext>
{
    // A hang guard, not a timed assertion: every wait in these tests ends with this token.
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 60_000)]
    public async Task Gaps_are_listed_with_instruments_duration_and_their_backfill()
    {
        int ce = context.Instruments["NIFTY26NOV24000CE"], pe = context.Instruments["NIFTY26NOV24000PE"], reliance = context.Instruments["RELIANCE"];
        var jobId = Guid.NewGuid();
        await context.Database.ExecuteAsync(
            $"""
            INSERT INTO backfill_jobs (id, from_time, to_time, interval, status) VALUES ('{jobId}', '2026-11-18T04:00Z', '2026-11-18T04:06Z', '1m', 'succeeded');
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at, ended_at, backfill_job_id)
            VALUES ('kite', 'kite-0', ARRAY[{ce}, {pe}], '2026-11-18T04:00:30Z', '2026-11-18T04:05:30Z', '{jobId}');
            INSERT INTO feed_gaps (broker, connection, instrument_ids, started_at)
            VALUES ('kite', 'kite-1', ARRAY[{reliance}], '2026-11-18T05:00:00Z');
            """);
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var all = await GetAsync(client, "/api/gaps?from=2026-11-18&to=2026-11-19");
        using var forReliance = await GetAsync(client, $"/api/gaps?from=2026-11-18&to=2026-11-19&token={reliance}");
        using var before = await GetAsync(client, "/api/gaps?from=2026-11-17&to=2026-11-18T09:00");

        var gaps = all.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, gaps.Count);
        var open = gaps[0];
        Assert.True(open.GetProperty("open").GetBoolean());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("endedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("backfill").ValueKind);
        var closed = gaps[1];
        Assert.False(closed.GetProperty("open").GetBoolean());
        Assert.Equal(300, closed.GetProperty("durationSeconds").GetDouble());
        Assert.Equal(["NIFTY26NOV24000CE", "NIFTY26NOV24000PE"],
            closed.GetProperty("instruments").EnumerateArray().Select(instrument => instrument.GetProperty("tradingsymbol").GetString()));
        var backfill = closed.GetProperty("backfill");
        Assert.Equal("succeeded", backfill.GetProperty("status").GetString());
        Assert.Equal($"/api/historical/jobs/{jobId}", backfill.GetProperty("link").GetString());
        var only = Assert.Single(forReliance.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal("kite-1", only.GetProperty("connection").GetString());
        Assert.Equal(0, before.RootElement.GetProperty("count").GetInt32());
    }

    [Theory(Timeout = 60_000)]
    [InlineData("from=2026-11-19&to=2026-11-18", "to")]
    [InlineData("from=soon", "from")]
    [InlineData("token=abc", "token")]
    [InlineData("token=0", "token")]
    public async Task A_bad_gap_request_is_a_400_naming_the_field(string query, string field)
    {
        await using var api = context.Start();
        using var client = api.Factory.CreateClient();

        using var response = await client.GetAsync($"/api/gaps?{query}", Ct);

        await Problems.AssertFieldProblemAsync(response, field);
    }

    private static async Task<JsonDocument> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }
}
