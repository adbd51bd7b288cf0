using Microsoft.Extensions.Options;
using TradingHelper.Api.Historical;
using TradingHelper.Api.Subscriptions;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Instruments;

/// <summary>What the instrument handlers need, injected as one <c>[AsParameters]</c> argument.</summary>
public sealed record InstrumentServices(
    InstrumentStore Store,
    SubscriptionStore Subscriptions,
    IOptions<SubscriptionOptions> SubscriptionOptions,
    CommandPublisher Commands,
    BackfillScheduler Backfills,
    TimeProvider TimeProvider,
    ILogger<InstrumentServices> Logger);
