namespace TradingHelper.Tests.Infrastructure;

/// <summary>
/// Tests that stop or restart the shared servers. xUnit runs this collection on its own, after the
/// parallel ones, so no other test sees the outage.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultTests
{
    public const string Name = "Fault tests (servers stopped and restarted)";
}
