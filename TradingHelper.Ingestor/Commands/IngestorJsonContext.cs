using System.Text.Json;
using System.Text.Json.Serialization;
using TradingHelper.Core.Brokers;
using TradingHelper.Ingestor.Backfill;
using TradingHelper.Ingestor.Brokers.Fyers;
using TradingHelper.Ingestor.Instruments;

namespace TradingHelper.Ingestor.Commands;

/// <summary>
/// Every JSON shape the Ingestor reads or writes by type, in generated code: the Ingestor ships as Native AOT, where
/// reflection-based serialization is off. Web defaults, the same as <see cref="Core.Commands.CommandJson.Options"/> on the Api's side.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BrokerSessionCommand))]
[JsonSerializable(typeof(BrokerSessionResult))]
[JsonSerializable(typeof(BrokerSessionStatus))]
[JsonSerializable(typeof(FeedReport))]
[JsonSerializable(typeof(SyncInstrumentsHandler.SyncInstrumentsCommand))]
[JsonSerializable(typeof(BackfillHandler.BackfillCommand))]
[JsonSerializable(typeof(FyersAuthCodeRequest))]
internal sealed partial class IngestorJsonContext : JsonSerializerContext;
