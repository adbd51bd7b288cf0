namespace TradingHelper.Tests.Observability;

/// <summary>Files of the repository the tests run from: the dashboards and configs are checked as committed.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TradingHelper.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No TradingHelper.sln above {AppContext.BaseDirectory}.");
    }
}
