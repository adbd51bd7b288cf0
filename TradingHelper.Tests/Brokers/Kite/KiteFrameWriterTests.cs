using TradingHelper.Core.Brokers.Kite;
using static TradingHelper.Tests.Brokers.Kite.KiteTestVectors;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteFrameWriterTests
{
    public static TheoryData<byte[]> SpecPackets => new(
        LtpInfyPacket, LtpCdsPacket, LtpBcdPacket, QuoteInfyPacket, FullInfyPacket,
        IndexQuoteNiftyPacket, IndexFullBankNiftyPacket, FullNfoOptionPacket);

    [Theory]
    [MemberData(nameof(SpecPackets))]
    public void Encoder_writes_every_spec_packet_back_byte_for_byte(byte[] packet)
    {
        Assert.True(KiteTickDecoder.TryDecode(packet, out var tick));
        var written = new byte[packet.Length];

        var length = KiteTickEncoder.Write(tick, written);

        Assert.Equal(packet.Length, length);
        Assert.Equal(Convert.ToHexString(packet), Convert.ToHexString(written));
    }

    [Fact]
    public void Frame_of_spec_packets_equals_the_spec_multi_packet_frame()
    {
        KiteTickDecoder.TryDecode(LtpInfyPacket, out var ltp);
        KiteTickDecoder.TryDecode(IndexQuoteNiftyPacket, out var index);
        var buffer = new byte[64];
        var writer = new KiteFrameWriter(buffer);

        Assert.True(writer.TryAppend(ltp));
        Assert.True(writer.TryAppend(index));

        Assert.Equal(Convert.ToHexString(MultiPacketFrame), Convert.ToHexString(writer.Written));
    }

    [Theory]
    [InlineData(KitePacketKind.Ltp, 408065u)]
    [InlineData(KitePacketKind.Quote, 408065u)]
    [InlineData(KitePacketKind.Full, 12073986u)]
    [InlineData(KitePacketKind.IndexQuote, 256265u)]
    [InlineData(KitePacketKind.IndexFull, 260105u)]
    public void Every_mode_survives_encode_then_decode(KitePacketKind kind, uint token)
    {
        var ticks = new[] { SampleTick(kind, token, 1), SampleTick(kind, token, 2), SampleTick(kind, token, 3) };
        var buffer = new byte[KiteFrameWriter.SizeOf(kind, ticks.Length)];
        var writer = new KiteFrameWriter(buffer);
        foreach (var tick in ticks)
        {
            Assert.True(writer.TryAppend(tick));
        }
        Assert.Equal(buffer.Length, writer.Length);

        var reader = new KiteFrameReader(buffer);
        var decoded = new List<KiteTick>();
        while (reader.TryReadNext(out var tick))
        {
            decoded.Add(tick);
        }

        Assert.Equal(3, decoded.Count);
        for (var i = 0; i < ticks.Length; i++)
        {
            AssertSameTick(Expected(ticks[i]), decoded[i]);
        }
    }

    [Fact]
    public void Writer_refuses_a_packet_that_does_not_fit_and_keeps_the_frame_valid()
    {
        var buffer = new byte[KiteFrameWriter.SizeOf(KitePacketKind.Full, 1) + 5];
        var writer = new KiteFrameWriter(buffer);

        Assert.True(writer.TryAppend(SampleTick(KitePacketKind.Full, 408065, 1)));
        Assert.False(writer.TryAppend(SampleTick(KitePacketKind.Full, 408065, 2)));

        var reader = new KiteFrameReader(writer.Written);
        Assert.Equal(1, reader.DeclaredPacketCount);
        Assert.True(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _));
    }

    private static KiteTick SampleTick(KitePacketKind kind, uint token, uint n)
    {
        KiteDepthLevels bids = default;
        KiteDepthLevels asks = default;
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            bids[i] = new KiteDepthLevel((uint)(100 * (i + 1)) + n, 24_000 - (5 * (uint)i), (ushort)(i + n));
            asks[i] = new KiteDepthLevel((uint)(200 * (i + 1)) + n, 24_005 + (5 * (uint)i), (ushort)(65535 - i));
        }
        return new KiteTick
        {
            InstrumentToken = token,
            Kind = kind,
            LastPrice = 24_000 + n,
            LastQuantity = 75 * n,
            AveragePrice = 23_950,
            Volume = uint.MaxValue - n,
            BuyQuantity = 10_000 + n,
            SellQuantity = 20_000 + n,
            Open = 23_800,
            High = 24_100,
            Low = 23_700,
            Close = 23_900,
            Change = -(int)(n * 1000),
            LastTradeTimeSeconds = 1_718_176_560 + n,
            OpenInterest = 1_000_000 + n,
            OpenInterestDayHigh = 1_100_000,
            OpenInterestDayLow = 900_000,
            ExchangeTimestampSeconds = 1_718_176_570 + n,
            Bids = bids,
            Asks = asks,
        };
    }

    // A packet kind carries only some fields; the rest must decode as zero.
    private static KiteTick Expected(KiteTick tick)
    {
        var isIndex = tick.Kind is KitePacketKind.IndexQuote or KitePacketKind.IndexFull;
        var expected = new KiteTick { InstrumentToken = tick.InstrumentToken, Kind = tick.Kind, LastPrice = tick.LastPrice };
        if (tick.Kind == KitePacketKind.Ltp)
        {
            return expected;
        }
        expected.Open = tick.Open;
        expected.High = tick.High;
        expected.Low = tick.Low;
        expected.Close = tick.Close;
        if (isIndex)
        {
            expected.Change = tick.Change;
            expected.ExchangeTimestampSeconds = tick.Kind == KitePacketKind.IndexFull ? tick.ExchangeTimestampSeconds : 0;
            return expected;
        }
        expected.LastQuantity = tick.LastQuantity;
        expected.AveragePrice = tick.AveragePrice;
        expected.Volume = tick.Volume;
        expected.BuyQuantity = tick.BuyQuantity;
        expected.SellQuantity = tick.SellQuantity;
        if (tick.Kind == KitePacketKind.Full)
        {
            expected.LastTradeTimeSeconds = tick.LastTradeTimeSeconds;
            expected.OpenInterest = tick.OpenInterest;
            expected.OpenInterestDayHigh = tick.OpenInterestDayHigh;
            expected.OpenInterestDayLow = tick.OpenInterestDayLow;
            expected.ExchangeTimestampSeconds = tick.ExchangeTimestampSeconds;
            expected.Bids = tick.Bids;
            expected.Asks = tick.Asks;
        }
        return expected;
    }

    private static void AssertSameTick(KiteTick expected, KiteTick actual)
    {
        Assert.Equal(expected.InstrumentToken, actual.InstrumentToken);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.LastPrice, actual.LastPrice);
        Assert.Equal(expected.LastQuantity, actual.LastQuantity);
        Assert.Equal(expected.AveragePrice, actual.AveragePrice);
        Assert.Equal(expected.Volume, actual.Volume);
        Assert.Equal(expected.BuyQuantity, actual.BuyQuantity);
        Assert.Equal(expected.SellQuantity, actual.SellQuantity);
        Assert.Equal(expected.Open, actual.Open);
        Assert.Equal(expected.High, actual.High);
        Assert.Equal(expected.Low, actual.Low);
        Assert.Equal(expected.Close, actual.Close);
        Assert.Equal(expected.Change, actual.Change);
        Assert.Equal(expected.LastTradeTimeSeconds, actual.LastTradeTimeSeconds);
        Assert.Equal(expected.OpenInterest, actual.OpenInterest);
        Assert.Equal(expected.OpenInterestDayHigh, actual.OpenInterestDayHigh);
        Assert.Equal(expected.OpenInterestDayLow, actual.OpenInterestDayLow);
        Assert.Equal(expected.ExchangeTimestampSeconds, actual.ExchangeTimestampSeconds);
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            Assert.Equal(expected.Bids[i], actual.Bids[i]);
            Assert.Equal(expected.Asks[i], actual.Asks[i]);
        }
    }
}
