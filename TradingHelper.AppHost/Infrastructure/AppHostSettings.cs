using Microsoft.Extensions.Configuration;

namespace TradingHelper.AppHost.Infrastructure;

/// <summary>What the AppHost reads before it builds the model: the infrastructure mode and where local data lives.</summary>
/// <param name="Mode">From <c>Infrastructure:Mode</c> (<c>auto</c>, <c>local</c> or <c>containers</c>).</param>
/// <param name="DataDirectory">From <c>Infrastructure:DataDirectory</c>; the repository's git-ignored <c>.data/</c> by default.</param>
/// <param name="ModeReason">Why that mode, for the console and the dashboard.</param>
internal sealed record AppHostSettings(InfrastructureMode Mode, string DataDirectory, string ModeReason)
{
    public static AppHostSettings Read(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["Infrastructure:Mode"]?.Trim() ?? "auto";
        var (mode, reason) = configured.ToUpperInvariant() switch
        {
            "LOCAL" => (InfrastructureMode.Local, "Infrastructure:Mode=local"),
            "CONTAINERS" => (InfrastructureMode.Containers, "Infrastructure:Mode=containers"),
            "AUTO" or "" => DockerEngine.Answers()
                ? (InfrastructureMode.Containers, "a Docker engine answers")
                : (InfrastructureMode.Local, "no Docker engine answers"),
            _ => throw new InvalidOperationException(
                $"Infrastructure:Mode is '{configured}'; use auto, local or containers."),
        };

        var dataDirectory = Path.GetFullPath(
            builder.Configuration["Infrastructure:DataDirectory"] is { Length: > 0 } configuredDirectory
                ? configuredDirectory
                : Path.Combine(builder.AppHostDirectory, "..", ".data"));
        return new AppHostSettings(mode, dataDirectory, reason);
    }
}
