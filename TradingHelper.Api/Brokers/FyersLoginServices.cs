using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Brokers;

/// <summary>Services the Fyers login callback uses.</summary>
public sealed record FyersLoginServices(
    CommandPublisher Publisher, IConnectionMultiplexer Redis, BrokerLoginStates States, IOptions<FyersLoginOptions> Options, TimeProvider Time);
