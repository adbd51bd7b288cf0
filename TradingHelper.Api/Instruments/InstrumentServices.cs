using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Instruments;

/// <summary>What the instrument handlers need, injected as one <c>[AsParameters]</c> argument.</summary>
public sealed record InstrumentServices(CommandPublisher Commands, TimeProvider TimeProvider, ILogger<InstrumentServices> Logger);
