using StackExchange.Redis;
using TradingHelper.Core.Commands;

namespace TradingHelper.Api.Brokers;

/// <summary>Services every login callback uses.</summary>
public sealed record BrokerLoginServices(CommandPublisher Publisher, IConnectionMultiplexer Redis, BrokerLoginStates States, TimeProvider Time);
