using Microsoft.Extensions.Options;
using TradingHelper.Api.Instruments;
using TradingHelper.Core.Candles;

namespace TradingHelper.Api.Historical;

/// <summary>What the historical handlers need, injected as one <c>[AsParameters]</c> argument.</summary>
public sealed record HistoricalServices(
    BackfillJobs Jobs,
    BackfillScheduler Backfills,
    InstrumentStore Instruments,
    CandleQuery Candles,
    IOptions<HistoricalOptions> Options,
    TimeProvider TimeProvider);
