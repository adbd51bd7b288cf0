using Microsoft.Extensions.Options;
using TradingHelper.Api.Instruments;
using TradingHelper.Core.Candles;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Historical;

/// <summary>What the historical handlers need, injected as one <c>[AsParameters]</c> argument.</summary>
public sealed record HistoricalServices(
    BackfillJobs Jobs,
    InstrumentStore Instruments,
    CandleQuery Candles,
    CommandPublisher Commands,
    IOptions<HistoricalOptions> Options,
    TimeProvider TimeProvider,
    ILogger<HistoricalServices> Logger);
