using TradingHelper.Core.Market;

namespace TradingHelper.Core.Storage;

/// <summary>Where a feed hands its ticks for storage; never drops a tick, makes the producer wait instead.</summary>
public interface ITickSink
{
    /// <summary>Queues a tick without waiting; false when the queue is full (then await <see cref="WriteAsync"/>).</summary>
    bool TryWrite(in Tick tick);

    /// <summary>Queues a tick, waiting while the queue is full; this wait is the back-pressure on the socket read loop.</summary>
    ValueTask WriteAsync(in Tick tick, CancellationToken cancellationToken);
}
