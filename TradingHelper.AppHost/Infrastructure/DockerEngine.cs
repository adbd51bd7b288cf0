using System.ComponentModel;
using System.Diagnostics;

namespace TradingHelper.AppHost.Infrastructure;

/// <summary>Whether a Docker engine answers, so containers can be chosen only where they will start.</summary>
public static class DockerEngine
{
    private static readonly Lazy<bool> Answer = new(Probe);

    /// <summary>True when <c>docker info</c> succeeds within ten seconds; asked once per process.</summary>
    public static bool Answers() => Answer.Value;

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
            // A stopped daemon can leave the client waiting; the AppHost must choose, not hang.
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
