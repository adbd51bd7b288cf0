namespace Microsoft.Extensions.Hosting;

/// <summary>Tags that sort health checks into liveness and readiness.</summary>
public static class HealthTags
{
    /// <summary>The process itself works; a failing live check means restart it.</summary>
    public const string Live = "live";

    /// <summary>A dependency the service needs before it can do its job.</summary>
    public const string Ready = "ready";
}
