namespace TradingHelper.Tests.Brokers.Kite;

/// <summary>Counts the requests a client sends, by path.</summary>
public sealed class CountingHandler : DelegatingHandler
{
    private int _count;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _paths = new();

    public int Count => Volatile.Read(ref _count);

    public IReadOnlyCollection<string> Paths => _paths;

    public int CountOf(string pathPrefix) => _paths.Count(path => path.StartsWith(pathPrefix, StringComparison.Ordinal));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        _paths.Enqueue(request.RequestUri!.AbsolutePath);
        return base.SendAsync(request, cancellationToken);
    }
}
