namespace TradingHelper.Ingestor.Brokers.Kite;

/// <summary>
/// The Kite access token in force. It dies at 06:00 IST every day or when Kite answers TokenException; the ticker
/// and the REST client wait here for a new one instead of retrying a dead token.
/// </summary>
public sealed class KiteSession
{
    private readonly object _gate = new();
    private TaskCompletionSource _tokenAvailable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _accessToken;

    /// <summary>The token, or null while there is none (never logged).</summary>
    public string? AccessToken
    {
        get { lock (_gate) { return _accessToken; } }
    }

    /// <summary>When the token stops working, if known.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>Why there is no usable token (expired, rejected, never logged in); null while one is in force.</summary>
    public string? Problem { get; private set; } = "No Kite login yet.";

    /// <summary>Raised after a new token is put in force; listeners reconnect with it.</summary>
    public event EventHandler? TokenChanged;

    /// <summary>Puts a token in force.</summary>
    public void Update(string accessToken, DateTimeOffset? expiresAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accessToken);
        TaskCompletionSource available;
        lock (_gate)
        {
            _accessToken = accessToken;
            ExpiresAt = expiresAt;
            Problem = null;
            available = _tokenAvailable;
        }
        available.TrySetResult();
        TokenChanged?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Marks the token dead (Kite said TokenException, or it expired); waiters block until <see cref="Update"/>.</summary>
    public void Invalidate(string problem)
    {
        lock (_gate)
        {
            _accessToken = null;
            ExpiresAt = null;
            Problem = problem;
            if (_tokenAvailable.Task.IsCompleted)
            {
                _tokenAvailable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Returns the token in force, waiting for a login when there is none.</summary>
    public async Task<string> WaitForTokenAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task available;
            lock (_gate)
            {
                if (_accessToken is { } token)
                {
                    return token;
                }
                available = _tokenAvailable.Task;
            }
            await available.WaitAsync(cancellationToken);
        }
    }
}
