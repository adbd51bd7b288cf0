using TradingHelper.Core.Brokers.Kite;
using TradingHelper.Ingestor.Brokers.Kite;

namespace TradingHelper.Tests.Brokers.Kite.Ticker;

public sealed class KiteTickMappingTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 1, 5, 4, 0, 1, 250, TimeSpan.Zero);

    [Fact]
    public void Full_packet_becomes_a_tick_in_rupees_with_exchange_time_and_best_bid_and_ask()
    {
        var packet = new KiteTick
        {
            InstrumentToken = 408065,
            Kind = KitePacketKind.Full,
            LastPrice = 157_315,
            AveragePrice = 157_048,
            LastQuantity = 5,
            Volume = 4_000_000_000,
            OpenInterest = 0,
            ExchangeTimestampSeconds = 1_767_585_600,
        };
        var bids = new KiteDepthLevels();
        bids[0] = new KiteDepthLevel(120, 157_310, 3);
        var asks = new KiteDepthLevels();
        asks[0] = new KiteDepthLevel(80, 157_320, 2);
        packet.Bids = bids;
        packet.Asks = asks;

        var tick = KiteTickMapping.ToTick(in packet, 42, ReceivedAt);

        Assert.Equal(42, tick.InstrumentId);
        Assert.Equal(1573.15m, tick.LastPrice);
        Assert.Equal(1570.48m, tick.AveragePrice);
        Assert.Equal(4_000_000_000L, tick.Volume);
        Assert.Equal((1573.10m, 120L, 1573.20m, 80L), (tick.BidPrice!.Value, tick.BidQuantity!.Value, tick.AskPrice!.Value, tick.AskQuantity!.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_767_585_600), tick.ExchangeTime);
        Assert.Equal(ReceivedAt, tick.ReceivedAt);
    }

    [Fact]
    public void Quote_packet_has_no_depth_or_exchange_time_so_its_time_is_the_receive_time()
    {
        var packet = new KiteTick { InstrumentToken = 408065, Kind = KitePacketKind.Quote, LastPrice = 157_315, Volume = 10 };

        var tick = KiteTickMapping.ToTick(in packet, 42, ReceivedAt);

        Assert.Null(tick.BidPrice);
        Assert.Null(tick.AskQuantity);
        Assert.Null(tick.ExchangeTime);
        Assert.Equal(ReceivedAt, tick.Time);
    }

    [Fact]
    public void Currency_prices_use_the_segment_divisor()
    {
        // CDS token (10000 << 8) | 3: prices in 1e-7 rupees.
        var packet = new KiteTick { InstrumentToken = 2_560_003, Kind = KitePacketKind.Ltp, LastPrice = 835_012_500 };

        Assert.Equal(83.50125m, KiteTickMapping.ToTick(in packet, 1, ReceivedAt).LastPrice);
    }
}
