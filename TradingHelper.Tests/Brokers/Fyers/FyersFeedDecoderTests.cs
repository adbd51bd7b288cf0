using TradingHelper.Core.Brokers.Fyers;
using static TradingHelper.Tests.Brokers.Fyers.FyersFeedFrames;
using static TradingHelper.Tests.Brokers.Fyers.FyersTestVectors;

namespace TradingHelper.Tests.Brokers.Fyers;

public class FyersFeedDecoderTests
{
    private static readonly DateTimeOffset At155958 = DateTimeOffset.FromUnixTimeSeconds(1749808798);
    private static readonly DateTimeOffset At155959 = DateTimeOffset.FromUnixTimeSeconds(1749808799);
    private static readonly DateTimeOffset At160000 = DateTimeOffset.FromUnixTimeSeconds(1749808800);

    private static FyersFeedDecoder Authenticated()
    {
        var decoder = new FyersFeedDecoder();
        decoder.Read(AuthOk);
        return decoder;
    }

    private static List<FyersQuote> Decode(FyersFeedDecoder decoder, byte[] frame)
    {
        var quotes = new List<FyersQuote>();
        var reader = decoder.Read(frame);
        while (reader.TryReadNext(out var quote))
        {
            quotes.Add(quote);
        }
        return quotes;
    }

    private static FyersQuote Single(FyersFeedDecoder decoder, byte[] frame) => Assert.Single(Decode(decoder, frame));

    [Fact]
    public void Accepted_authentication_sets_the_ack_interval()
    {
        var decoder = new FyersFeedDecoder();

        var reader = decoder.Read(AuthOk);

        Assert.Equal(FyersMessageType.Authentication, reader.Type);
        Assert.Equal(FyersResponseStatus.Accepted, reader.Status);
        Assert.Equal(10, reader.AckInterval);
        Assert.Equal(10, decoder.AckInterval);
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void Rejected_authentication_is_a_clear_N()
    {
        var decoder = new FyersFeedDecoder();

        var reader = decoder.Read(AuthFailed);

        Assert.Equal(FyersResponseStatus.Rejected, reader.Status);
        Assert.Equal(0, decoder.AckInterval);
    }

    [Fact]
    public void Subscribe_and_mode_responses_report_K()
    {
        var decoder = new FyersFeedDecoder();

        var subscribe = decoder.Read(SubscribeOk);
        Assert.Equal(FyersMessageType.Subscribe, subscribe.Type);
        Assert.Equal(FyersResponseStatus.Accepted, subscribe.Status);

        var mode = decoder.Read(ModeOk);
        Assert.Equal(FyersMessageType.Mode, mode.Type);
        Assert.Equal(FyersResponseStatus.Accepted, mode.Status);
        Assert.Equal(0, decoder.MalformedFrames);
    }

    [Fact]
    public void Authentication_response_exposes_the_field_schema_and_reads_a_short_ack_count()
    {
        var schema = "{\"version\":1}"u8.ToArray();
        byte[] frame = [0, (byte)(2 + 4 + 4 + 3 + schema.Length), 1, 3, 1, 0, 1, (byte)'K', 2, 0, 1, 5, 3, 0, (byte)schema.Length, .. schema];
        var decoder = new FyersFeedDecoder();

        var reader = decoder.Read(frame);

        Assert.Equal(FyersResponseStatus.Accepted, reader.Status);
        Assert.Equal(5, reader.AckInterval);
        Assert.Equal(schema, reader.Schema.ToArray());
    }

    [Fact]
    public void Scrip_snapshot_binds_the_topic_and_sets_every_field()
    {
        var decoder = Authenticated();

        var reader = decoder.Read(ScripSnapshot);
        Assert.Equal(1u, reader.MessageNumber);
        Assert.Equal(1, reader.RecordCount);
        Assert.True(reader.TryReadNext(out var q));
        Assert.False(reader.TryReadNext(out _));

        Assert.Equal(FyersRecordKind.Snapshot, q.Record);
        Assert.Equal(1u, q.MessageNumber);
        Assert.Equal("sf|nse_cm|3045", q.Topic.Name);
        Assert.Equal(7, q.Topic.Id);
        Assert.Equal(FyersTopicKind.Scrip, q.Topic.Kind);
        Assert.Equal((1, (byte)2), (q.Topic.Multiplier, q.Topic.Precision));
        Assert.Equal(("NSE", "3045", "SBIN-EQ"), (q.Topic.Exchange, q.Topic.ExchangeToken, q.Topic.TradingSymbol));
        Assert.Equal(0x1F_FFFFu, q.CarriedFields);

        Assert.Equal(1068.45m, q.LastPrice);
        Assert.Equal(12_345_678L, q.Volume);
        Assert.Equal(At155958, q.LastTradeTime);
        Assert.Equal(At155959, q.ExchangeTime);
        Assert.Equal(14_914L, q.BidQuantity);
        Assert.Equal(0L, q.AskQuantity);
        Assert.Equal(1068.45m, q.BidPrice);
        Assert.Equal(0.00m, q.AskPrice);
        Assert.Equal(25L, q.LastTradedQuantity);
        Assert.Equal(14_914L, q.TotalBuyQuantity);
        Assert.Equal(0L, q.TotalSellQuantity);
        Assert.Equal(1070.12m, q.AveragePrice);
        Assert.Equal(0L, q.OpenInterest);
        Assert.Equal(1063.00m, q.Low);
        Assert.Equal(1077.70m, q.High);
        Assert.Equal(1125.00m, q.YearHigh);
        Assert.Equal(680.00m, q.YearLow);
        Assert.Equal(978.25m, q.LowerCircuit);
        Assert.Equal(1195.55m, q.UpperCircuit);
        Assert.Equal(1075.00m, q.Open);
        Assert.Equal(1086.90m, q.PreviousClose);
        Assert.Equal(-18.45m, q.LastPrice - q.PreviousClose);
        Assert.True(decoder.TryGetTopic(7, out var topic));
        Assert.Same(q.Topic, topic);
    }

    [Fact]
    public void Partial_update_patches_only_the_fields_it_carries()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);

        var q = Single(decoder, PaddedUpdate);

        Assert.Equal(FyersRecordKind.Update, q.Record);
        Assert.Equal(2u, q.MessageNumber);
        Assert.Equal(0b11_0000_1111u, q.CarriedFields);
        Assert.Equal(1068.50m, q.LastPrice);
        Assert.Equal(12_345_703L, q.Volume);
        Assert.Equal(At155959, q.LastTradeTime);
        Assert.Equal(At160000, q.ExchangeTime);
        Assert.Equal(25L, q.LastTradedQuantity);
        Assert.Equal(14_889L, q.TotalBuyQuantity);
        Assert.Equal(14_914L, q.BidQuantity);
        Assert.Equal(1068.45m, q.BidPrice);
        Assert.Equal(1070.12m, q.AveragePrice);
        Assert.Equal(1086.90m, q.PreviousClose);
        Assert.Equal(1195.55m, q.UpperCircuit);
    }

    [Fact]
    public void Truncated_update_keeps_every_position_past_its_count()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);
        Decode(decoder, PaddedUpdate);

        var q = Single(decoder, TruncatedUpdate);

        Assert.Equal(0b1111u, q.CarriedFields);
        Assert.Equal(1068.55m, q.LastPrice);
        Assert.Equal(12_345_800L, q.Volume);
        Assert.Equal(At160000, q.LastTradeTime);
        Assert.Equal(At160000, q.ExchangeTime);
        Assert.Equal(14_889L, q.TotalBuyQuantity);
        Assert.Equal(1075.00m, q.Open);
    }

    [Fact]
    public void Lite_tick_moves_only_the_last_price()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);
        Decode(decoder, PaddedUpdate);
        Decode(decoder, TruncatedUpdate);

        var q = Single(decoder, LiteTick);

        Assert.Equal(FyersRecordKind.Lite, q.Record);
        Assert.Equal(4u, q.MessageNumber);
        Assert.Equal(1u, q.CarriedFields);
        Assert.Equal(1068.60m, q.LastPrice);
        Assert.Equal(12_345_800L, q.Volume);
    }

    [Fact]
    public void Index_snapshot_reads_its_own_field_order_and_has_no_volume_or_quotes()
    {
        var decoder = Authenticated();

        var q = Single(decoder, IndexSnapshot);

        Assert.Equal("if|nse_cm|Nifty 50", q.Topic.Name);
        Assert.Equal(FyersTopicKind.Index, q.Topic.Kind);
        Assert.Equal(("NSE", "Nifty 50", "NIFTY50-INDEX"), (q.Topic.Exchange, q.Topic.ExchangeToken, q.Topic.TradingSymbol));
        Assert.Equal(24810.35m, q.LastPrice);
        Assert.Equal(24795.10m, q.PreviousClose);
        Assert.Equal(At155959, q.ExchangeTime);
        Assert.Equal(24899.90m, q.High);
        Assert.Equal(24705.20m, q.Low);
        Assert.Equal(24780.00m, q.Open);
        Assert.Equal(26277.35m, q.YearHigh);
        Assert.Equal(21744.00m, q.YearLow);
        Assert.Null(q.Volume);
        Assert.Null(q.BidPrice);
        Assert.Null(q.LastTradeTime);
        Assert.Null(q.OpenInterest);
    }

    [Fact]
    public void Multi_record_frame_is_consumed_exactly_and_yields_a_quote_per_record()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);

        var quotes = Decode(decoder, MultiRecord);

        Assert.Equal(0, decoder.MalformedFrames);
        Assert.Equal(3, quotes.Count);

        var depth = quotes[0];
        Assert.Equal("dp|nse_cm|3045", depth.Topic.Name);
        Assert.Equal(FyersTopicKind.Depth, depth.Topic.Kind);
        Assert.Null(depth.LastPrice);
        Assert.Null(depth.Volume);
        Assert.Equal(new FyersDepthLevel(1068.45m, 100, 1), depth.Bid(1));
        Assert.Equal(new FyersDepthLevel(1068.40m, 200, 2), depth.Bid(2));
        Assert.Equal(new FyersDepthLevel(1068.25m, 500, 5), depth.Bid(5));
        Assert.Equal(new FyersDepthLevel(1068.50m, 150, 2), depth.Ask(1));
        Assert.Equal(new FyersDepthLevel(1068.70m, 550, 6), depth.Ask(5));
        Assert.Equal(1068.45m, depth.BidPrice);
        Assert.Equal(150L, depth.AskQuantity);

        Assert.Equal("sf|nse_cm|3045", quotes[1].Topic.Name);
        Assert.Equal(1068.60m, quotes[1].LastPrice);

        var patched = quotes[2];
        Assert.Same(depth.Topic, patched.Topic);
        Assert.Equal(1u << 10, patched.CarriedFields);
        Assert.Equal(new FyersDepthLevel(1068.45m, 120, 1), patched.Bid(1));
        Assert.Equal(new FyersDepthLevel(1068.50m, 150, 2), patched.Ask(1));
    }

    [Fact]
    public void Every_cut_of_a_data_frame_is_counted_and_leaves_the_topics_untouched()
    {
        foreach (var vector in new[] { ScripSnapshot, PaddedUpdate, TruncatedUpdate, LiteTick, IndexSnapshot, MultiRecord })
        {
            for (var length = 0; length < vector.Length; length++)
            {
                var decoder = Authenticated();
                Decode(decoder, ScripSnapshot);
                var before = Single(decoder, LiteTick);

                var reader = decoder.Read(vector.AsSpan(0, length));

                Assert.True(reader.IsMalformed, $"{length} of {vector.Length} bytes");
                Assert.False(reader.TryReadNext(out _));
                Assert.Equal(1, decoder.MalformedFrames);
                Assert.Equal(1, decoder.TopicCount);
                Assert.Equal(before.LastPrice, Single(decoder, LiteTick).LastPrice);
            }
        }
    }

    [Fact]
    public void A_frame_with_a_bad_record_is_skipped_whole()
    {
        var decoder = Authenticated();
        byte[] unknownKind = [0x58, 0x00, 0x07];
        byte[] trailing = [.. LiteTick, 0x00];

        Assert.True(decoder.Read(Frame(9, Snapshot(3, "sf|nse_fo|35426", [100]), unknownKind)).IsMalformed);
        Assert.True(decoder.Read(trailing).IsMalformed);

        Assert.Equal(2, decoder.MalformedFrames);
        Assert.Equal(0, decoder.TopicCount);
        Assert.Equal(2, decoder.DataFrames);
    }

    [Fact]
    public void Updates_for_an_unbound_topic_are_counted_and_the_rest_of_the_frame_still_decodes()
    {
        var decoder = Authenticated();

        var quotes = Decode(decoder, MultiRecord);

        Assert.Equal(2, quotes.Count);
        Assert.All(quotes, q => Assert.Equal("dp|nse_cm|3045", q.Topic.Name));
        Assert.Equal(1, decoder.UnknownTopicRecords);
        Assert.Equal(0, decoder.MalformedFrames);
        Assert.Empty(Decode(decoder, LiteTick));
        Assert.Equal(2, decoder.UnknownTopicRecords);
    }

    [Fact]
    public void Every_tenth_data_frame_is_due_an_ack_with_its_message_number()
    {
        var decoder = Authenticated();
        var frames = new List<byte[]> { ScripSnapshot, PaddedUpdate, TruncatedUpdate, LiteTick, IndexSnapshot, MultiRecord };
        for (uint number = 7; number <= 20; number++)
        {
            frames.Add(Frame(number, Lite(7, 106860)));
        }

        var due = new List<uint>();
        foreach (var frame in frames)
        {
            var reader = decoder.Read(frame);
            if (reader.AckDue)
            {
                due.Add(reader.MessageNumber);
            }
        }

        Assert.Equal([10u, 20u], due);
        var ack = new byte[FyersFrameWriter.AcknowledgementLength];
        FyersFrameWriter.WriteAcknowledgement(ack, due[0]);
        Assert.Equal(AckTen, ack);
    }

    [Fact]
    public void Without_acks_no_frame_is_due()
    {
        var decoder = new FyersFeedDecoder();

        for (var i = 0; i < 25; i++)
        {
            Assert.False(decoder.Read(ScripSnapshot).AckDue);
        }
    }

    [Fact]
    public void Without_acks_a_frame_lacking_the_message_number_still_decodes()
    {
        var decoder = new FyersFeedDecoder();
        Decode(decoder, ScripSnapshot);
        byte[] unnumbered = [0x00, 0x0a, 0x06, 0x00, 0x01, 0x4c, 0x00, 0x07, 0x00, 0x01, 0xa1, 0x6c];

        var q = Single(decoder, unnumbered);

        Assert.Equal(1068.60m, q.LastPrice);
        Assert.Equal(0u, q.MessageNumber);
        Assert.True(Authenticated().Read(unnumbered).IsMalformed);
    }

    [Fact]
    public void Price_divides_by_ten_to_the_precision_times_the_multiplier()
    {
        var decoder = Authenticated();

        var currency = Single(decoder, Frame(1, Snapshot(1, "sf|cde_fo|1234", [832_575], precision: 4)));
        var multiplied = Single(decoder, Frame(2, Snapshot(2, "sf|nse_cm|1", [106_845], multiplier: 100)));
        var thirds = Single(decoder, Frame(3, Snapshot(3, "sf|nse_cm|2", [100], multiplier: 3, precision: 0)));
        var negative = Single(decoder, Frame(4, Snapshot(4, "sf|nse_fo|3", [-1_845])));

        Assert.Equal(83.2575m, currency.LastPrice);
        Assert.Equal(10.6845m, multiplied.LastPrice);
        Assert.Equal(100m / 3m, thirds.LastPrice);
        Assert.Equal(-18.45m, negative.LastPrice);
    }

    [Fact]
    public void Sentinel_in_a_snapshot_means_no_value_and_a_zero_time_means_no_trade_yet()
    {
        var decoder = Authenticated();

        var q = Single(decoder, Frame(1, Snapshot(5, "sf|nse_fo|61093", [2_500_000, int.MinValue, 0])));

        Assert.Equal(25_000.00m, q.LastPrice);
        Assert.Null(q.Volume);
        Assert.Null(q.LastTradeTime);
        Assert.Null(q.OpenInterest);
        Assert.Equal(0b101u, q.CarriedFields);
    }

    [Fact]
    public void Volume_past_two_billion_is_read_unsigned()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);

        var q = Single(decoder, Frame(2, Update(7, int.MinValue, unchecked((int)3_000_000_000u))));

        Assert.Equal(3_000_000_000L, q.Volume);
        Assert.Equal(1068.45m, q.LastPrice);
    }

    [Fact]
    public void A_new_authentication_forgets_every_topic_because_ids_are_reassigned()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);

        decoder.Read(AuthOk);

        Assert.Equal(0, decoder.TopicCount);
        Assert.Empty(Decode(decoder, LiteTick));
        Assert.Equal(1, decoder.UnknownTopicRecords);
    }

    [Fact]
    public void A_repeated_snapshot_reuses_the_bound_topic()
    {
        var decoder = Authenticated();
        var first = Single(decoder, ScripSnapshot);

        var second = Single(decoder, ScripSnapshot);
        var renamed = Single(decoder, Frame(3, Snapshot(7, "sf|nse_cm|1333", [1])));

        Assert.Same(first.Topic, second.Topic);
        Assert.NotSame(first.Topic, renamed.Topic);
        Assert.Equal("sf|nse_cm|1333", renamed.Topic.Name);
        Assert.Equal(1, decoder.TopicCount);
    }

    [Fact]
    public void High_topic_ids_grow_the_table()
    {
        var decoder = Authenticated();

        var q = Single(decoder, Frame(1, Snapshot(60_000, "sf|nse_fo|1", [5])));

        Assert.Equal(60_000, q.Topic.Id);
        Assert.True(decoder.TryGetTopic(60_000, out _));
        Assert.False(decoder.TryGetTopic(59_999, out _));
    }

    [Fact]
    public void Unknown_message_types_are_ignored_and_broken_control_frames_counted()
    {
        var decoder = new FyersFeedDecoder();

        var unknown = decoder.Read([0x00, 0x03, 0x0d, 0x00, 0x00]);
        var broken = decoder.Read([0x00, 0x06, 0x04, 0x01, 0x01, 0x00, 0x05, 0x4b]);
        var tiny = decoder.Read([0x00]);

        Assert.Equal((byte)13, (byte)unknown.Type);
        Assert.False(unknown.IsMalformed);
        Assert.Equal(1, decoder.IgnoredFrames);
        Assert.True(broken.IsMalformed);
        Assert.Equal(FyersResponseStatus.Unknown, broken.Status);
        Assert.True(tiny.IsMalformed);
        Assert.Equal(2, decoder.MalformedFrames);
    }

    [Fact]
    public void Decoding_updates_allocates_nothing()
    {
        var decoder = Authenticated();
        Decode(decoder, ScripSnapshot);
        Decode(decoder, MultiRecord);
        var frames = new[] { PaddedUpdate, TruncatedUpdate, LiteTick, MultiRecord };
        decimal sum = 0;
        DecodeAll(decoder, frames, ref sum);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            DecodeAll(decoder, frames, ref sum);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0m, sum);
    }

    private static void DecodeAll(FyersFeedDecoder decoder, byte[][] frames, ref decimal sum)
    {
        foreach (var frame in frames)
        {
            var reader = decoder.Read(frame);
            while (reader.TryReadNext(out var quote))
            {
                sum += quote.LastPrice ?? quote.BidPrice ?? 0;
            }
        }
    }
}
