using System.Text.Json;
using System.Text.RegularExpressions;

namespace TradingHelper.AppHost.Tests;

/// <summary>The README's run command, as a newcomer uses it: start, open what it prints, stop, start again.</summary>
[Collection(Name)]
[CollectionDefinition(Name)]
public sealed partial class RunCommandTests : IDisposable
{
    private const string Name = "dotnet run --project TradingHelper.AppHost";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("tradinghelper-run-");

    [Fact]
    public async Task Dotnet_run_prints_where_everything_is_keeps_data_across_runs_and_leaves_no_process_when_stopped()
    {
        var ct = TestContext.Current.CancellationToken;
        int subscribedOnFirstRun;
        await using (var first = AppHostProcess.Start(_data.FullName, Guid.NewGuid().ToString("N")))
        {
            var chart = new Uri(await first.WaitForAsync(ChartLine(), StartTimeout));
            var login = new Uri(await first.WaitForAsync(DashboardLoginLine(), StartTimeout));
            await first.WaitForAsync(StarterWatchlistLine(), StartTimeout);
            using var http = new HttpClient();

            using (var page = await http.GetAsync(chart, ct))
            {
                Assert.True(page.IsSuccessStatusCode, $"{chart} answered {(int)page.StatusCode}");
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            }
            using (var dashboard = await http.GetAsync(login, ct))
            {
                Assert.True(dashboard.IsSuccessStatusCode, $"{login} answered {(int)dashboard.StatusCode}");
            }
            subscribedOnFirstRun = await SubscriptionCountAsync(http, chart, ct);
            Assert.True(subscribedOnFirstRun > 0);

            // What the stop must end: found while running, so an empty list after the stop means something.
            var running = AppHostProcess.ProcessesOf(first.Marker, _data.FullName);
            foreach (var program in new[] { "bin/postgres", "redis-server", "prometheus", "TradingHelper.Ingestor", "TradingHelper.Api", "TradingHelper.Simulator", "dcp" })
            {
                Assert.True(running.Any(process => process.Contains(program, StringComparison.Ordinal)),
                    $"No running {program} found among:\n{string.Join('\n', running)}");
            }

            await first.InterruptAsync();
            Assert.Equal(0, await first.WaitForExitAsync(StopTimeout));
            await AssertNothingLeftRunningAsync(first.Marker);
        }

        // Data is kept: the same password opens the same cluster, and the watchlist is not subscribed twice.
        await using var second = AppHostProcess.Start(_data.FullName, Guid.NewGuid().ToString("N"));
        var secondChart = new Uri(await second.WaitForAsync(ChartLine(), StartTimeout));
        using (var http = new HttpClient())
        {
            Assert.Equal(subscribedOnFirstRun, await SubscriptionCountAsync(http, secondChart, ct));
        }
        Assert.DoesNotMatch(StarterWatchlistLine(), second.Output);

        await second.TerminateAsync();
        await second.WaitForExitAsync(StopTimeout);
        await AssertNothingLeftRunningAsync(second.Marker);
    }

    public void Dispose()
    {
        try
        {
            _data.Delete(recursive: true);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // The cluster folder belongs to the postgres user; it is in a temp folder either way.
        }
    }

    private static async Task<int> SubscriptionCountAsync(HttpClient http, Uri chart, CancellationToken ct)
    {
        using var subscriptions = JsonDocument.Parse(await http.GetStringAsync(new Uri(chart, "/api/subscriptions"), ct));
        return subscriptions.RootElement.GetProperty("count").GetInt32();
    }

    /// <summary>DCP stops what it started after the AppHost has gone; wait for that, bounded.</summary>
    private async Task AssertNothingLeftRunningAsync(string marker)
    {
        try
        {
            await Waiting.UntilAsync(_ => Task.FromResult(AppHostProcess.ProcessesOf(marker, _data.FullName).Count == 0 ? "none" : null),
                TimeSpan.FromSeconds(30), "processes were left running");
        }
        catch (TimeoutException)
        {
            Assert.Fail("Left running after the AppHost stopped:\n" + string.Join('\n', AppHostProcess.ProcessesOf(marker, _data.FullName)));
        }
    }

    [GeneratedRegex(@"Live chart\s+(\S+/chart)")]
    private static partial Regex ChartLine();

    [GeneratedRegex(@"Login to the dashboard at (\S+)")]
    private static partial Regex DashboardLoginLine();

    [GeneratedRegex(@"(Subscribed a starter watchlist)")]
    private static partial Regex StarterWatchlistLine();
}
