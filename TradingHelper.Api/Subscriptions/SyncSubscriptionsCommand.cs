namespace TradingHelper.Api.Subscriptions;

/// <summary>
/// The payload of a <c>subscriptions.sync</c> command. The database holds the whole subscription set; this only says
/// what prompted the sync (<c>subscribe</c> or <c>unsubscribe</c>), for which instruments, in which mode.
/// </summary>
public sealed record SyncSubscriptionsCommand(string Change, int[] InstrumentIds, string? Mode);
