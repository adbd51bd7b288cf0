using Microsoft.Extensions.Options;

namespace TradingHelper.Api.OptionChain;

/// <summary>What the option-chain handler needs, injected as one <c>[AsParameters]</c> argument.</summary>
public sealed record OptionChainServices(
    OptionChainStore Store,
    LiveChainQuotes LiveQuotes,
    IOptions<OptionChainOptions> Options,
    TimeProvider TimeProvider);
