using System.Diagnostics;
using System.Text;

namespace TradingHelper.Tests.Infrastructure;

/// <summary>Runs the command-line tools that start and stop the test servers, failing loudly with their output.</summary>
internal static class ServerProcess
{
    /// <summary>PostgreSQL refuses to run as root; the Debian package's <c>postgres</c> user runs it instead.</summary>
    public static bool RunningAsRoot => Environment.UserName == "root";

    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? asUser = null)
    {
        var startInfo = asUser is null
            ? new ProcessStartInfo(fileName)
            : new ProcessStartInfo("runuser", ["-u", asUser, "--", fileName]);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish within {timeout}.\n{output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} exited with {process.ExitCode}.\n{output}");
        }
        return output.ToString();
    }

    public static string FindExecutable(string name, IEnumerable<string> candidates, string aptPackage)
    {
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new InvalidOperationException(
            $"'{name}' was not found. The tests start a real server: install it with 'sudo apt-get install {aptPackage}', " +
            "or point the tests at a running server with TRADINGHELPER_TEST_POSTGRES / TRADINGHELPER_TEST_REDIS.");
    }
}
