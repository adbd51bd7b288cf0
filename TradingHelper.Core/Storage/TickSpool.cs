using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using TradingHelper.Core.Market;

namespace TradingHelper.Core.Storage;

/// <summary>
/// Tick batches on disk while the database is unreachable: append-only segment files of CRC-checked records,
/// fsynced per batch, read back in order and deleted once every batch in them is committed.
/// </summary>
/// <remarks>
/// One appender (the writer's flush loop) and one reader (its replay loop). This process appends only to a
/// segment it created itself, so a torn tail left by a crashed run is never followed by good records.
/// </remarks>
internal sealed partial class TickSpool : IDisposable
{
    /// <summary>The cap must hold at least this many full batches.</summary>
    public const int MinimumRecordsInCap = 8;

    private const string SegmentPrefix = "ticks-";
    private const string SegmentExtension = ".spool";
    private const string LockFileName = "spool.lock";
    private const double NearCapFraction = 0.8;

    private readonly Lock _gate = new();
    private readonly List<Segment> _segments;
    private readonly string _directory;
    private readonly long _capBytes;
    private readonly long _segmentBytes;
    private readonly ILogger _logger;
    private readonly FileStream _lockFile;
    private FileStream? _appendStream;
    private Segment? _appendSegment;
    private long _nextSequence;
    private long _bytes;
    private bool _nearCapWarned;
    private TaskCompletionSource _roomFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    private TickSpool(string directory, long capBytes, ILogger logger, FileStream lockFile, List<Segment> segments)
    {
        _directory = directory;
        _capBytes = capBytes;
        _segmentBytes = Math.Clamp(capBytes / MinimumRecordsInCap, 64 * 1024, 64L << 20);
        _logger = logger;
        _lockFile = lockFile;
        _segments = segments;
        _nextSequence = segments.Count == 0 ? 1 : segments[^1].Sequence + 1;
        foreach (var segment in segments)
        {
            _bytes += segment.Length;
        }
    }

    /// <summary>Bytes of batches not yet known to be committed.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True when every spooled batch is committed, so new batches may go straight to the database.</summary>
    public bool IsEmpty => Bytes == 0;

    /// <summary>The folder the spool lives in, as a full path.</summary>
    public string Location => _directory;

    /// <summary>Completes the next time replay frees space; fetch it before checking <see cref="HasRoomFor"/>.</summary>
    public Task RoomFreed
    {
        get
        {
            lock (_gate)
            {
                return _roomFreed.Task;
            }
        }
    }

    /// <summary>Opens the spool in <paramref name="directory"/>, failing if another process holds it.</summary>
    public static TickSpool Open(string directory, long capBytes, ILogger logger)
    {
        directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(directory);
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive flock on Unix; the kernel drops it when the process dies, even by kill -9.
            lockFile = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"The tick spool {directory} is in use by another process; give each Ingestor its own TickWriter:SpoolDirectory.", exception);
        }

        var segments = new List<Segment>();
        foreach (var path in Directory.EnumerateFiles(directory, SegmentPrefix + "*" + SegmentExtension))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (!long.TryParse(name.AsSpan(SegmentPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence))
            {
                continue;
            }
            var length = new FileInfo(path).Length;
            if (length == 0)
            {
                File.Delete(path);
                continue;
            }
            segments.Add(new Segment(sequence, path, length));
        }
        segments.Sort(static (a, b) => a.Sequence.CompareTo(b.Sequence));

        var spool = new TickSpool(directory, capBytes, logger, lockFile, segments);
        if (segments.Count > 0)
        {
            LogLeftOver(logger, spool.Bytes, segments.Count, directory);
        }
        return spool;
    }

    public bool HasRoomFor(int recordSize) => Bytes + recordSize <= _capBytes;

    /// <summary>Writes a batch as one record and forces it to disk before returning.</summary>
    public void Append(Guid batchId, ReadOnlySpan<Tick> ticks)
    {
        var size = TickSpoolFormat.RecordSize(ticks.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            TickSpoolFormat.Write(buffer.AsSpan(0, size), batchId, ticks);
            bool warnNearCap;
            long bytes;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_appendStream is null || _appendSegment!.Length >= _segmentBytes)
                {
                    StartSegment();
                }
                try
                {
                    _appendStream!.Write(buffer, 0, size);
                    _appendStream.Flush(flushToDisk: true);
                }
                catch
                {
                    // A half-written record must be the last thing in its file: later appends go to a new segment.
                    SealAppendSegment();
                    throw;
                }
                _appendSegment!.Length += size;
                bytes = Interlocked.Add(ref _bytes, size);
                warnNearCap = !_nearCapWarned && bytes >= _capBytes * NearCapFraction;
                _nearCapWarned |= warnNearCap;
            }
            if (warnNearCap)
            {
                LogNearCap(_logger, bytes, _capBytes, _directory);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the batch at <paramref name="cursor"/> (moving past torn or corrupt tails) into <paramref name="ticks"/>,
    /// growing it when a batch is larger. False when the reader has caught up with the appender.
    /// </summary>
    public bool TryRead(ref Cursor cursor, ref Tick[] ticks, out Record record)
    {
        Span<byte> header = stackalloc byte[TickSpoolFormat.HeaderSize];
        while (true)
        {
            Segment? segment = null;
            long length;
            SafeFileHandle handle;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var index = 0;
                while (index < _segments.Count && _segments[index].Sequence < cursor.Sequence)
                {
                    index++;
                }
                if (index < _segments.Count)
                {
                    segment = _segments[index];
                    if (segment.Sequence != cursor.Sequence)
                    {
                        cursor = new Cursor(segment.Sequence, 0);
                    }
                }
                if (segment is null || (cursor.Offset >= segment.Length && index == _segments.Count - 1))
                {
                    record = default;
                    ConsumeLocked(cursor);
                    return false;
                }
                if (cursor.Offset >= segment.Length)
                {
                    cursor = new Cursor(_segments[index + 1].Sequence, 0);
                    continue;
                }
                length = segment.Length;
                handle = segment.ReadHandle ??= File.OpenHandle(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }

            var available = length - cursor.Offset;
            var payloadLength = available < TickSpoolFormat.HeaderSize || RandomAccess.Read(handle, header, cursor.Offset) < TickSpoolFormat.HeaderSize
                ? -1
                : TickSpoolFormat.PayloadLength(header);
            if (payloadLength < 0 || payloadLength > available - TickSpoolFormat.HeaderSize)
            {
                cursor = SkipTail(segment, cursor, length);
                continue;
            }

            var size = TickSpoolFormat.HeaderSize + payloadLength;
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                var recordBytes = buffer.AsSpan(0, size);
                if (RandomAccess.Read(handle, recordBytes, cursor.Offset) < size || !TickSpoolFormat.IsIntact(recordBytes))
                {
                    cursor = SkipTail(segment, cursor, length);
                    continue;
                }
                var payload = recordBytes[TickSpoolFormat.HeaderSize..];
                var count = TickSpoolFormat.TickCount(payload);
                if (ticks.Length < count)
                {
                    ticks = new Tick[count];
                }
                var batchId = TickSpoolFormat.Read(payload, ticks.AsSpan(0, count));
                record = new Record(batchId, count, new Cursor(cursor.Sequence, cursor.Offset + size));
                return true;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Deletes every segment the reader has passed: all their batches are committed.</summary>
    public void Consume(Cursor upTo)
    {
        lock (_gate)
        {
            ConsumeLocked(upTo);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _appendStream?.Dispose();
            foreach (var segment in _segments)
            {
                segment.ReadHandle?.Dispose();
            }
            _lockFile.Dispose();
        }
    }

    private void ConsumeLocked(Cursor upTo)
    {
        long freed = 0;
        while (_segments.Count > 0)
        {
            var first = _segments[0];
            var passed = first.Sequence < upTo.Sequence || (first.Sequence == upTo.Sequence && upTo.Offset >= first.Length);
            if (!passed)
            {
                break;
            }
            if (ReferenceEquals(first, _appendSegment))
            {
                SealAppendSegment();
            }
            first.ReadHandle?.Dispose();
            File.Delete(first.Path);
            freed += first.Length;
            _segments.RemoveAt(0);
        }
        if (freed == 0)
        {
            return;
        }
        var bytes = Interlocked.Add(ref _bytes, -freed);
        _nearCapWarned &= bytes >= _capBytes * NearCapFraction;
        _roomFreed.TrySetResult();
        _roomFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private void StartSegment()
    {
        SealAppendSegment();
        var sequence = _nextSequence++;
        var path = Path.Combine(_directory, $"{SegmentPrefix}{sequence:D19}{SegmentExtension}");
        // Unbuffered: each record is written whole and then fsynced, so a FileStream buffer would only copy it.
        _appendStream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        _appendSegment = new Segment(sequence, path, 0);
        _segments.Add(_appendSegment);
    }

    private void SealAppendSegment()
    {
        _appendStream?.Dispose();
        _appendStream = null;
        _appendSegment = null;
    }

    private Cursor SkipTail(Segment segment, Cursor cursor, long length)
    {
        LogTornTail(_logger, Path.GetFileName(segment.Path), cursor.Offset, length - cursor.Offset);
        return new Cursor(cursor.Sequence, length);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tick spool {Directory} holds {Bytes} bytes in {Segments} segments from a previous run; replaying them before new ticks")]
    private static partial void LogLeftOver(ILogger logger, long bytes, int segments, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tick spool holds {Bytes} of its {CapBytes} bytes in {Directory}: at the cap the writer stops taking ticks (back-pressure on the feed) until the database catches up")]
    private static partial void LogNearCap(ILogger logger, long bytes, long capBytes, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tick spool segment {Segment} ends in an incomplete or corrupt record at byte {Offset}; its last {Bytes} bytes are ignored (a write cut short by a crash)")]
    private static partial void LogTornTail(ILogger logger, string segment, long offset, long bytes);

    /// <summary>A position in the spool: a segment and a byte offset in it.</summary>
    public readonly record struct Cursor(long Sequence, long Offset);

    /// <summary>A batch read back from the spool, and where the next one starts.</summary>
    public readonly record struct Record(Guid BatchId, int Count, Cursor Next);

    private sealed class Segment(long sequence, string path, long length)
    {
        public long Sequence { get; } = sequence;

        public string Path { get; } = path;

        /// <summary>Bytes of whole records; an appender in this process publishes it only after fsync.</summary>
        public long Length { get; set; } = length;

        public SafeFileHandle? ReadHandle { get; set; }
    }
}
