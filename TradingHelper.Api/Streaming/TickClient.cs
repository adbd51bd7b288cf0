using System.Threading.Channels;

namespace TradingHelper.Api.Streaming;

/// <summary>
/// One connection's subscriptions and, per instrument, the latest tick not yet sent. A newer tick replaces a pending
/// one, so a slow client costs at most one tick per subscribed instrument and never holds up the fan-out.
/// </summary>
internal sealed class TickClient(TickStreamMetrics metrics)
{
    private readonly Lock _gate = new();
    private readonly HashSet<int> _tokens = [];
    private readonly HashSet<int> _awaitingQuote = [];
    // Capacity one and drop-on-full: many offers between two sends wake the sender once.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private Dictionary<int, ReadOnlyMemory<byte>> _pending = [];
    private Dictionary<int, ReadOnlyMemory<byte>> _spare = [];

    public int TokenCount
    {
        get
        {
            lock (_gate)
            {
                return _tokens.Count;
            }
        }
    }

    /// <summary>Adds tokens up to <paramref name="limit"/> in all; returns the newly added ones, or null when the limit would be passed.</summary>
    public int[]? Subscribe(IReadOnlyCollection<int> tokens, int limit)
    {
        lock (_gate)
        {
            var added = tokens.Where(token => !_tokens.Contains(token)).Distinct().ToArray();
            if (_tokens.Count + added.Length > limit)
            {
                return null;
            }
            foreach (var token in added)
            {
                _tokens.Add(token);
                _awaitingQuote.Add(token);
            }
            return added;
        }
    }

    /// <summary>Removes tokens and anything pending for them; returns the ones that were subscribed.</summary>
    public int[] Unsubscribe(IReadOnlyCollection<int> tokens)
    {
        lock (_gate)
        {
            var removed = tokens.Where(_tokens.Remove).ToArray();
            foreach (var token in removed)
            {
                _awaitingQuote.Remove(token);
                _pending.Remove(token);
            }
            return removed;
        }
    }

    public int[] Tokens()
    {
        lock (_gate)
        {
            return [.. _tokens];
        }
    }

    /// <summary>Queues a live tick, replacing any pending tick of the same instrument.</summary>
    public void Offer(int token, ReadOnlyMemory<byte> tick)
    {
        lock (_gate)
        {
            if (!_tokens.Contains(token))
            {
                return;
            }
            _awaitingQuote.Remove(token);
            if (_pending.TryAdd(token, tick))
            {
                _signal.Writer.TryWrite(true);
                return;
            }
            _pending[token] = tick;
        }
        metrics.TicksConflated.Add(1);
    }

    /// <summary>Queues the stored latest quote, unless a live tick of the instrument already arrived after subscribing.</summary>
    public void OfferQuote(int token, ReadOnlyMemory<byte> tick)
    {
        lock (_gate)
        {
            if (_awaitingQuote.Remove(token))
            {
                _pending[token] = tick;
                _signal.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>Marks the quote lookup for these tokens done, found or not.</summary>
    public void QuotesDone(IEnumerable<int> tokens)
    {
        lock (_gate)
        {
            _awaitingQuote.ExceptWith(tokens);
        }
    }

    /// <summary>Waits until ticks are pending.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>
    /// Takes every pending tick. The returned dictionary is the caller's until it calls <see cref="Release"/>, which
    /// hands it back empty for reuse.
    /// </summary>
    public Dictionary<int, ReadOnlyMemory<byte>> TakePending()
    {
        lock (_gate)
        {
            _signal.Reader.TryRead(out _);
            var taken = _pending;
            _pending = _spare;
            return taken;
        }
    }

    public void Release(Dictionary<int, ReadOnlyMemory<byte>> taken)
    {
        taken.Clear();
        lock (_gate)
        {
            _spare = taken;
        }
    }
}
