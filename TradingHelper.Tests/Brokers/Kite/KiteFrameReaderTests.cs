using TradingHelper.Core.Brokers.Kite;
using static TradingHelper.Tests.Brokers.Kite.KiteTestVectors;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteFrameReaderTests
{
    [Fact]
    public void Heartbeat_is_one_byte_and_yields_no_ticks()
    {
        var reader = new KiteFrameReader(Heartbeat);

        Assert.True(reader.IsHeartbeat);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(0, reader.SkippedPackets);
    }

    [Fact]
    public void Ltp_packet_of_an_nse_equity_is_priced_in_paise()
    {
        var tick = Single(LtpInfyFrame);

        Assert.Equal(KitePacketKind.Ltp, tick.Kind);
        Assert.Equal(408065u, tick.InstrumentToken);
        Assert.Equal(KiteSegment.Nse, tick.Segment);
        Assert.True(tick.IsTradable);
        Assert.Equal(157315u, tick.LastPrice);
        Assert.Equal(1573.15m, tick.LastPriceInRupees);
        Assert.Null(tick.ExchangeTime);
    }

    [Fact]
    public void Currency_futures_on_cds_divide_prices_by_ten_million()
    {
        var tick = Single(Frame(LtpCdsPacket));

        Assert.Equal(2560003u, tick.InstrumentToken);
        Assert.Equal(KiteSegment.Cds, tick.Segment);
        Assert.Equal(10_000_000u, tick.PriceDivisor);
        Assert.Equal(83.2575m, tick.LastPriceInRupees);
    }

    [Fact]
    public void Currency_on_bcd_divides_prices_by_ten_thousand()
    {
        var tick = Single(Frame(LtpBcdPacket));

        Assert.Equal(262u, tick.InstrumentToken);
        Assert.Equal(KiteSegment.Bcd, tick.Segment);
        Assert.Equal(10_000u, tick.PriceDivisor);
        Assert.Equal(83.2575m, tick.LastPriceInRupees);
    }

    [Fact]
    public void Quote_packet_carries_cumulative_volume_and_ohlc_but_no_time()
    {
        var tick = Single(Frame(QuoteInfyPacket));

        Assert.Equal(KitePacketKind.Quote, tick.Kind);
        Assert.Equal(408065u, tick.InstrumentToken);
        Assert.Equal(1573.15m, tick.ToRupees(tick.LastPrice));
        Assert.Equal(1u, tick.LastQuantity);
        Assert.Equal(1570.33m, tick.ToRupees(tick.AveragePrice));
        Assert.Equal(1175986u, tick.Volume);
        Assert.Equal(256511u, tick.BuyQuantity);
        Assert.Equal(360503u, tick.SellQuantity);
        Assert.Equal(1569.15m, tick.ToRupees(tick.Open));
        Assert.Equal(1575.00m, tick.ToRupees(tick.High));
        Assert.Equal(1561.05m, tick.ToRupees(tick.Low));
        Assert.Equal(1567.80m, tick.ToRupees(tick.Close));
        Assert.Null(tick.LastTradeTime);
        Assert.Null(tick.ExchangeTime);
        Assert.True(tick.Bids[0].IsEmpty);
    }

    [Fact]
    public void Full_packet_of_the_official_mock_decodes_times_and_five_levels_of_depth()
    {
        var tick = Single(Frame(FullInfyPacket));

        Assert.Equal(KitePacketKind.Full, tick.Kind);
        Assert.Equal(1573.70m, tick.LastPriceInRupees);
        Assert.Equal(7u, tick.LastQuantity);
        Assert.Equal(1570.37m, tick.ToRupees(tick.AveragePrice));
        Assert.Equal(1192471u, tick.Volume);
        Assert.Equal(256443u, tick.BuyQuantity);
        Assert.Equal(363009u, tick.SellQuantity);
        Assert.Equal(1569.15m, tick.ToRupees(tick.Open));
        Assert.Equal(1567.80m, tick.ToRupees(tick.Close));
        Assert.Equal(new DateTimeOffset(2021, 7, 5, 5, 11, 27, TimeSpan.Zero), tick.LastTradeTime);
        Assert.Equal(1625461887u, tick.ExchangeTimestampSeconds);
        Assert.Equal(0u, tick.OpenInterest);

        KiteDepthLevel[] bids = [new(5, 157340, 1), new(140, 157300, 2), new(2, 157295, 1), new(219, 157290, 7), new(50, 157285, 1)];
        KiteDepthLevel[] asks = [new(172, 157370, 3), new(44, 157375, 3), new(302, 157385, 3), new(141, 157390, 2), new(724, 157395, 5)];
        for (var i = 0; i < KiteDepthLevels.Count; i++)
        {
            Assert.Equal(bids[i], tick.Bids[i]);
            Assert.Equal(asks[i], tick.Asks[i]);
        }
    }

    [Fact]
    public void Index_quote_sends_high_low_open_close_in_that_order_and_is_not_tradable()
    {
        var tick = Single(Frame(IndexQuoteNiftyPacket));

        Assert.Equal(KitePacketKind.IndexQuote, tick.Kind);
        Assert.Equal(256265u, tick.InstrumentToken);
        Assert.Equal(KiteSegment.Indices, tick.Segment);
        Assert.False(tick.IsTradable);
        Assert.Equal(24350.75m, tick.LastPriceInRupees);
        Assert.Equal(24400.00m, tick.ToRupees(tick.High));
        Assert.Equal(24200.50m, tick.ToRupees(tick.Low));
        Assert.Equal(24250.25m, tick.ToRupees(tick.Open));
        Assert.Equal(24300.00m, tick.ToRupees(tick.Close));
        Assert.Equal(5075, tick.Change);
        Assert.Null(tick.ExchangeTime);
    }

    [Fact]
    public void Index_full_reads_a_negative_change_as_signed_and_the_exchange_time()
    {
        var tick = Single(Frame(IndexFullBankNiftyPacket));

        Assert.Equal(KitePacketKind.IndexFull, tick.Kind);
        Assert.Equal(260105u, tick.InstrumentToken);
        Assert.Equal(51234.55m, tick.LastPriceInRupees);
        Assert.Equal(51500.00m, tick.ToRupees(tick.High));
        Assert.Equal(51000.10m, tick.ToRupees(tick.Low));
        Assert.Equal(51100.00m, tick.ToRupees(tick.Open));
        Assert.Equal(51300.20m, tick.ToRupees(tick.Close));
        Assert.Equal(-6565, tick.Change);
        Assert.Equal(-65.65m, tick.ToRupees(tick.Change));
        Assert.Equal(new DateTimeOffset(2024, 6, 12, 7, 16, 9, TimeSpan.Zero), tick.ExchangeTime);
    }

    [Fact]
    public void Real_2017_index_capture_decodes_with_a_signed_change()
    {
        var tick = Single(IndexQuote2017Frame);

        Assert.Equal(256265u, tick.InstrumentToken);
        Assert.Equal(9126.85m, tick.LastPriceInRupees);
        Assert.Equal(9167.60m, tick.ToRupees(tick.High));
        Assert.Equal(9116.30m, tick.ToRupees(tick.Low));
        Assert.Equal(9166.95m, tick.ToRupees(tick.Open));
        Assert.Equal(9126.85m, tick.ToRupees(tick.Close));
        Assert.Equal(-36, tick.Change);
    }

    [Fact]
    public void Option_volume_above_two_to_the_31_stays_positive_and_orders_are_sixteen_bits()
    {
        var tick = Single(Frame(FullNfoOptionPacket));

        Assert.Equal(12073986u, tick.InstrumentToken);
        Assert.Equal(KiteSegment.Nfo, tick.Segment);
        Assert.Equal(252.84m, tick.LastPriceInRupees);
        Assert.Equal(75u, tick.LastQuantity);
        Assert.Equal(249.10m, tick.ToRupees(tick.AveragePrice));
        Assert.Equal(3_000_000_000u, tick.Volume);
        Assert.Equal(123450u, tick.BuyQuantity);
        Assert.Equal(98700u, tick.SellQuantity);
        Assert.Equal(220.00m, tick.ToRupees(tick.Open));
        Assert.Equal(265.00m, tick.ToRupees(tick.High));
        Assert.Equal(215.05m, tick.ToRupees(tick.Low));
        Assert.Equal(219.90m, tick.ToRupees(tick.Close));
        Assert.Equal(1718176568u, tick.LastTradeTimeSeconds);
        Assert.Equal(1234500u, tick.OpenInterest);
        Assert.Equal(1500000u, tick.OpenInterestDayHigh);
        Assert.Equal(1000000u, tick.OpenInterestDayLow);
        Assert.Equal(1718176569u, tick.ExchangeTimestampSeconds);
        Assert.Equal(new KiteDepthLevel(900, 25280, 65535), tick.Bids[0]);
        Assert.Equal(new KiteDepthLevel(75, 25265, 1), tick.Bids[3]);
        Assert.True(tick.Bids[4].IsEmpty);
        Assert.Equal(new KiteDepthLevel(300, 25290, 4), tick.Asks[0]);
        Assert.Equal(new KiteDepthLevel(1500, 25305, 12), tick.Asks[3]);
        Assert.Equal(new KiteDepthLevel(225, 25310, 2), tick.Asks[4]);
    }

    [Fact]
    public void Multi_packet_frame_yields_every_packet_and_ends_exactly_at_its_length()
    {
        var reader = new KiteFrameReader(MultiPacketFrame);

        Assert.Equal(2, reader.DeclaredPacketCount);
        Assert.True(reader.TryReadNext(out var ltp));
        Assert.True(reader.TryReadNext(out var index));
        Assert.False(reader.TryReadNext(out _));

        Assert.Equal(KitePacketKind.Ltp, ltp.Kind);
        Assert.Equal(408065u, ltp.InstrumentToken);
        Assert.Equal(1573.15m, ltp.LastPriceInRupees);
        Assert.Equal(KitePacketKind.IndexQuote, index.Kind);
        Assert.False(index.IsTradable);
        Assert.Equal(42, reader.Position);
        Assert.Equal(42, MultiPacketFrame.Length);
        Assert.Equal(0, reader.SkippedPackets);
    }

    [Fact]
    public void Real_tatamotors_frames_from_the_js_client_decode_in_every_mode()
    {
        var ltp = Single(TataMotorsLtpFrame);
        var quote = Single(TataMotorsQuoteFrame);
        var full = Single(TataMotorsFullFrame);

        Assert.Equal(48, TataMotorsQuoteFrame.Length);
        Assert.Equal(188, TataMotorsFullFrame.Length);
        foreach (var tick in new[] { ltp, quote, full })
        {
            Assert.Equal(884737u, tick.InstrumentToken);
            Assert.Equal(392.95m, tick.LastPriceInRupees);
        }
        Assert.Equal(2u, quote.LastQuantity);
        Assert.Equal(403.07m, quote.ToRupees(quote.AveragePrice));
        Assert.Equal(22261032u, quote.Volume);
        Assert.Equal(5617u, quote.BuyQuantity);
        Assert.Equal(0u, quote.SellQuantity);
        Assert.Equal(420.00m, quote.ToRupees(quote.Open));
        Assert.Equal(420.90m, quote.ToRupees(quote.High));
        Assert.Equal(390.10m, quote.ToRupees(quote.Low));
        Assert.Equal(414.10m, quote.ToRupees(quote.Close));
        Assert.Equal(1655375264u, full.LastTradeTimeSeconds);
        Assert.Equal(1655378328u, full.ExchangeTimestampSeconds);
        Assert.Equal(new KiteDepthLevel(5617, 39295, 30), full.Bids[0]);
        for (var i = 1; i < KiteDepthLevels.Count; i++)
        {
            Assert.True(full.Bids[i].IsEmpty);
        }
        Assert.True(full.Asks[0].IsEmpty);
    }

    [Fact]
    public void Packet_of_unknown_length_is_counted_and_skipped_and_the_next_one_still_decodes()
    {
        var frame = Frame(new byte[13], LtpInfyPacket);
        var reader = new KiteFrameReader(frame);

        Assert.True(reader.TryReadNext(out var tick));
        Assert.Equal(408065u, tick.InstrumentToken);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(1, reader.UnknownPackets);
        Assert.Equal(0, reader.TruncatedPackets);
        Assert.Equal(frame.Length, reader.Position);
    }

    [Fact]
    public void Truncated_packet_is_counted_with_every_packet_announced_after_it()
    {
        var whole = Frame(LtpInfyPacket, FullInfyPacket, QuoteInfyPacket);
        var cut = whole.AsSpan(0, 2 + 2 + 8 + 2 + 100);
        var reader = new KiteFrameReader(cut);

        Assert.True(reader.TryReadNext(out var tick));
        Assert.Equal(KitePacketKind.Ltp, tick.Kind);
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(2, reader.TruncatedPackets);
        Assert.Equal(0, reader.UnknownPackets);
    }

    [Fact]
    public void Frame_ending_inside_a_length_prefix_counts_the_packet_as_truncated()
    {
        var cut = Frame(LtpInfyPacket, LtpInfyPacket).AsSpan(0, 2 + 10 + 1);
        var reader = new KiteFrameReader(cut);

        Assert.True(reader.TryReadNext(out _));
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(1, reader.TruncatedPackets);
    }

    [Fact]
    public void Empty_message_is_a_heartbeat_too()
    {
        var reader = new KiteFrameReader([]);

        Assert.True(reader.IsHeartbeat);
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void Decoding_a_frame_of_full_packets_allocates_nothing()
    {
        var frame = Frame([.. Enumerable.Repeat(FullNfoOptionPacket, 100)]);
        Assert.Equal(100, DecodeAll(frame));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var decoded = DecodeAll(frame);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100, decoded);
        Assert.Equal(0, allocated);
    }

    private static int DecodeAll(byte[] frame)
    {
        var reader = new KiteFrameReader(frame);
        var count = 0;
        while (reader.TryReadNext(out var tick))
        {
            count += tick.Asks[4].Orders > 0 ? 1 : 0;
        }
        return count;
    }

    private static KiteTick Single(byte[] frame)
    {
        var reader = new KiteFrameReader(frame);
        Assert.False(reader.IsHeartbeat);
        Assert.True(reader.TryReadNext(out var tick));
        Assert.False(reader.TryReadNext(out _));
        Assert.Equal(0, reader.SkippedPackets);
        Assert.Equal(frame.Length, reader.Position);
        return tick;
    }
}
