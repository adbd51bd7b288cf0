using System.Runtime.CompilerServices;

namespace TradingHelper.Core.Storage;

/// <summary>The storage profile once migrations have run; services that need the schema wait on it.</summary>
public sealed class StorageState
{
    private readonly TaskCompletionSource<StorageProfile> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Exception? _failure;
    private volatile StrongBox<StorageProfile>? _profile;

    /// <summary>Completes when the schema is current.</summary>
    public Task<StorageProfile> Ready => _ready.Task;

    /// <summary>The profile, or null while migrations have not finished.</summary>
    public StorageProfile? Profile => _profile?.Value;

    /// <summary>Why migrations failed, if they did.</summary>
    public Exception? Failure => _failure;

    internal void MarkReady(StorageProfile profile)
    {
        _profile = new StrongBox<StorageProfile>(profile);
        _ready.TrySetResult(profile);
    }

    internal void MarkFailed(Exception exception)
    {
        _failure = exception;
        _ready.TrySetException(exception);
    }
}
