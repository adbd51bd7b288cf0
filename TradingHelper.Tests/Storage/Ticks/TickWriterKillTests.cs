using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using TradingHelper.Tests.Infrastructure;

namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>
/// The real TickWriter in a child process (TradingHelper.Tests.KillHarness), SIGKILLed mid-stream; a fresh writer
/// then replays its spool. What the harness reported durable must be stored exactly once, and at most the
/// documented bound (channel capacity + batch size) of what it had handed over may be missing.
/// </summary>
public sealed class TickWriterKillTests(TestServers servers)
{
    private const int BatchSize = 1_000;
    private const int ChannelCapacity = 5_000;
    // Far above every kill point plus what the writer holds; it only bounds the spool a loaded machine lets grow.
    private const int MaxTicks = 200_000;

    [Fact]
    public async Task Kill_9_mid_stream_loses_at_most_the_queued_ticks_and_duplicates_none()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_kill_live");
        using var spool = new TempDirectory();

        var (durable, sent) = await RunHarnessUntilKilledAsync(database.ConnectionString, spool.Path, killOnceDurable: 20_000);
        await RecoverAsync(database, spool);

        await AssertRecoveredAsync(database, durable, sent);
    }

    [Fact]
    public async Task Kill_9_while_the_database_is_unreachable_keeps_every_spooled_tick()
    {
        await using var database = await StorageTestDatabase.CreateAsync(servers, "ticks_kill_spool");
        using var spool = new TempDirectory();
        var unreachable = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = FreePort.Next(), Timeout = 2 }.ConnectionString;

        var (durable, sent) = await RunHarnessUntilKilledAsync(unreachable, spool.Path, killOnceDurable: 10_000);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM tick_data"));
        Assert.NotEmpty(spool.SpoolFiles());
        await RecoverAsync(database, spool);

        await AssertRecoveredAsync(database, durable, sent);
    }

    private static async Task RecoverAsync(StorageTestDatabase database, TempDirectory spool)
    {
        await using var writer = TickWriterUnderTest.Create(database.DataSource, spool.Path);
        await writer.StartAsync();
        await writer.WaitUntilSettledAsync(0);
        await writer.StopAsync();
        Assert.Empty(spool.SpoolFiles());
    }

    private static async Task AssertRecoveredAsync(StorageTestDatabase database, long durable, long sent)
    {
        var stored = await StoredTicks.ReadAsync(database.DataSource);
        Assert.Equal(stored.Rows, stored.DistinctTicks);
        // Batches are committed or spooled in order, so what survives is ticks 1..n without holes.
        Assert.Equal(stored.MaxSequence, stored.Rows);
        Assert.InRange(stored.Rows, durable, long.MaxValue);
        Assert.InRange(stored.Rows, sent - (ChannelCapacity + BatchSize), long.MaxValue);
        Assert.Equal(StoredTicks.Expected(stored.Rows), stored.ByInstrument);
    }

    private static async Task<(long Durable, long Sent)> RunHarnessUntilKilledAsync(string connectionString, string spoolDirectory, long killOnceDurable)
    {
        var ct = TestContext.Current.CancellationToken;
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "TradingHelper.Tests.KillHarness.dll"),
                connectionString,
                spoolDirectory,
                BatchSize.ToString(CultureInfo.InvariantCulture),
                ChannelCapacity.ToString(CultureInfo.InvariantCulture),
                MaxTicks.ToString(CultureInfo.InvariantCulture),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var harness = Process.Start(startInfo) ?? throw new InvalidOperationException("The kill harness did not start.");
        var errors = new StringBuilder();
        harness.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        harness.BeginErrorReadLine();

        long durable = 0, sent = 0;
        try
        {
            while (durable < killOnceDurable && await harness.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                var (what, count) = (line[..line.IndexOf(' ', StringComparison.Ordinal)], long.Parse(line.AsSpan(line.IndexOf(' ', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture));
                (durable, sent) = what == "durable" ? (count, sent) : (durable, count);
            }
            Assert.False(harness.HasExited, $"The kill harness exited on its own ({(harness.HasExited ? harness.ExitCode : 0)}):\n{errors}");
        }
        finally
        {
            // Process.Kill is SIGKILL on Unix: no finally blocks, no flush, no disposal in the harness.
            harness.Kill();
            await harness.WaitForExitAsync(CancellationToken.None);
        }
        Assert.Equal(137, harness.ExitCode);
        return (durable, sent);
    }
}
