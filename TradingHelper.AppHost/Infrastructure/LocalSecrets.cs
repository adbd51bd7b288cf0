using System.Security.Cryptography;

namespace TradingHelper.AppHost.Infrastructure;

/// <summary>
/// Secrets a newcomer should never have to type: a configured <c>Parameters:&lt;name&gt;</c> wins, otherwise a random
/// value is made once and kept beside the data it protects, so the database initialised with it opens on every run.
/// </summary>
internal sealed class LocalSecrets(IDistributedApplicationBuilder builder, string dataDirectory)
{
    public string Directory { get; } = Path.Combine(dataDirectory, "secrets");

    public IResourceBuilder<ParameterResource> AddParameter(string name) =>
        builder.AddParameter(name, () => builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured
            ? configured
            : GetOrCreate(name), secret: true);

    /// <summary>Where a person finds the value: the configuration key that set it, or the file it was kept in.</summary>
    public string Describe(string name) =>
        builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } ? $"Parameters:{name}" : $"cat {Path.Combine(Directory, name)}";

    private string GetOrCreate(string name)
    {
        var path = Path.Combine(Directory, name);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        System.IO.Directory.CreateDirectory(Directory);
        // Letters and digits only: the value travels in connection strings and shell arguments unquoted.
        var value = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);
        File.WriteAllText(path, value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return value;
    }
}
