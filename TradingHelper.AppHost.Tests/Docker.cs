using System.ComponentModel;
using System.Diagnostics;

namespace TradingHelper.AppHost.Tests;

/// <summary>Whether a container runtime answers, asked once per test run.</summary>
internal static class Docker
{
    public const string SkipReason =
        "Docker is not available (`docker info` failed or timed out); the AppHost runs TimescaleDB, Redis, Prometheus and Grafana as containers.";

    private static readonly Lazy<bool> Answers = new(Probe);

    public static bool IsAvailable => Answers.Value;

    private static bool Probe()
    {
        var info = new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var docker = Process.Start(info);
            if (docker is null)
            {
                return false;
            }
            // A stopped daemon can leave the client waiting; without this bound every test would hang, not skip.
            if (!docker.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                docker.Kill(entireProcessTree: true);
                return false;
            }
            return docker.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
