using BenchmarkDotNet.Attributes;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Benchmarks;

/// <summary>Decoding one binary ticker message of full-mode packets, the Ingestor's per-frame hot path.</summary>
[MemoryDiagnoser]
public class KiteDecodeBenchmarks
{
    /// <summary>About what the simulator batches at 2,000 ticks/s; results are reported per packet.</summary>
    private const int PacketsPerFrame = 100;

    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        _frame = new byte[KiteFrameWriter.SizeOf(KitePacketKind.Full, PacketsPerFrame)];
        var writer = new KiteFrameWriter(_frame);
        for (var i = 0; i < PacketsPerFrame; i++)
        {
            KiteDepthLevels bids = default;
            KiteDepthLevels asks = default;
            for (var level = 0; level < KiteDepthLevels.Count; level++)
            {
                bids[level] = new KiteDepthLevel(75 * (uint)(level + 1), 25_000 - (5 * (uint)level), (ushort)(level + 1));
                asks[level] = new KiteDepthLevel(150 * (uint)(level + 1), 25_005 + (5 * (uint)level), (ushort)(level + 2));
            }
            writer.TryAppend(new KiteTick
            {
                InstrumentToken = KiteInstrumentToken.Create(35_000 + (uint)i, KiteSegment.Nfo),
                Kind = KitePacketKind.Full,
                LastPrice = 25_000 + (uint)i,
                LastQuantity = 75,
                AveragePrice = 24_950,
                Volume = 1_000_000 + (uint)i,
                BuyQuantity = 120_000,
                SellQuantity = 98_000,
                Open = 24_800,
                High = 25_100,
                Low = 24_700,
                Close = 24_900,
                LastTradeTimeSeconds = 1_718_176_568,
                OpenInterest = 1_234_500,
                OpenInterestDayHigh = 1_500_000,
                OpenInterestDayLow = 1_000_000,
                ExchangeTimestampSeconds = 1_718_176_569,
                Bids = bids,
                Asks = asks,
            });
        }
    }

    /// <summary>Walks the frame and touches what a writer stores, so no field read is optimised away.</summary>
    [Benchmark(Description = "Decode full-mode packet (frame of 100)", OperationsPerInvoke = PacketsPerFrame)]
    public long DecodeFullFrame()
    {
        var reader = new KiteFrameReader(_frame);
        long checksum = 0;
        while (reader.TryReadNext(out var tick))
        {
            checksum += tick.LastPrice + tick.Volume + tick.OpenInterest + tick.Bids[0].Price + tick.Asks[4].Quantity;
        }
        return checksum;
    }
}
