namespace TradingHelper.Tests.Storage.Ticks;

/// <summary>A spool folder of its own for one test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tradinghelper-spool-").FullName;

    public string[] SpoolFiles() => Directory.GetFiles(Path, "*.spool");

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
