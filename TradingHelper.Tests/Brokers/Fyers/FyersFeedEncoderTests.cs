using TradingHelper.Core.Brokers.Fyers;
using static TradingHelper.Tests.Brokers.Fyers.FyersTestVectors;

namespace TradingHelper.Tests.Brokers.Fyers;

/// <summary>The server-side encoder reproduces the spec's vectors byte for byte and round-trips through the decoder; the client-frame parser reads what the client writer writes.</summary>
public class FyersFeedEncoderTests
{
    private const int S = FyersDataFrameWriter.NoValue;

    private static readonly int[] SbinSnapshotValues =
    [
        106845, 12345678, 1749808798, 1749808799, 14914, 0, 106845, 0, 25, 14914, 0, 107012, 0, 106300, 107770, 112500, 68000, 97825, 119555,
        107500, 108690,
    ];

    [Fact]
    public void Control_responses_match_the_spec_vectors()
    {
        var buffer = new byte[32];
        Assert.Equal(AuthOk, buffer[..FyersFeedEncoder.WriteAuthenticationResponse(buffer, accepted: true, ackInterval: 10)]);
        Assert.Equal(AuthFailed, buffer[..FyersFeedEncoder.WriteAuthenticationResponse(buffer, accepted: false, ackInterval: 0)]);
        Assert.Equal(SubscribeOk, buffer[..FyersFeedEncoder.WriteResponse(buffer, FyersMessageType.Subscribe, accepted: true)]);
        Assert.Equal(ModeOk, buffer[..FyersFeedEncoder.WriteResponse(buffer, FyersMessageType.Mode, accepted: true)]);
    }

    [Fact]
    public void Snapshot_padded_update_truncated_update_and_lite_tick_match_the_spec_vectors()
    {
        var buffer = new byte[512];

        var snapshot = new FyersDataFrameWriter(buffer, 1);
        Assert.True(snapshot.TryAppendSnapshot(7, "sf|nse_cm|3045", SbinSnapshotValues, 1, 2, "NSE", "3045", "SBIN-EQ"));
        Assert.Equal(ScripSnapshot, buffer[..snapshot.Length]);

        var padded = new FyersDataFrameWriter(buffer, 2);
        Assert.True(padded.TryAppendUpdate(7, [106850, 12345703, 1749808799, 1749808800, S, S, S, S, 25, 14889, S, S, S, S, S, S, S, S, S, S, S]));
        Assert.Equal(PaddedUpdate, buffer[..padded.Length]);

        var truncated = new FyersDataFrameWriter(buffer, 3);
        Assert.True(truncated.TryAppendUpdate(7, [106855, 12345800, 1749808800, 1749808800]));
        Assert.Equal(TruncatedUpdate, buffer[..truncated.Length]);

        var lite = new FyersDataFrameWriter(buffer, 4);
        Assert.True(lite.TryAppendLite(7, 106860));
        Assert.Equal(LiteTick, buffer[..lite.Length]);
    }

    [Fact]
    public void A_multi_record_frame_round_trips_through_the_decoder()
    {
        var decoder = new FyersFeedDecoder();
        decoder.Read(AuthOk);
        var buffer = new byte[1024];
        var writer = new FyersDataFrameWriter(buffer, 11);
        Assert.True(writer.TryAppendSnapshot(3, "sf|nse_fo|35001", SbinSnapshotValues, 1, 2, "NSE", "35001", "NIFTY26DECFUT"));
        Assert.True(writer.TryAppendSnapshot(4, "if|nse_cm|Nifty 50", [2481035, 2479510, 1749808799, 2489990, 2470520, 2478000, 2627735, 2174400], 1, 2, "NSE", "26000", "NIFTY50-INDEX"));
        Assert.True(writer.TryAppendUpdate(3, [106900, S, S, 1749808800]));
        Assert.True(writer.TryAppendUpdate(4, [2481100]));

        var reader = decoder.Read(buffer.AsSpan(0, writer.Length));
        Assert.False(reader.IsMalformed);
        Assert.Equal(11u, reader.MessageNumber);
        var quotes = new List<FyersQuote>();
        while (reader.TryReadNext(out var quote))
        {
            quotes.Add(quote);
        }

        Assert.Equal(["sf|nse_fo|35001", "if|nse_cm|Nifty 50", "sf|nse_fo|35001", "if|nse_cm|Nifty 50"], quotes.Select(q => q.Topic.Name));
        Assert.Equal(1068.45m, quotes[0].LastPrice);
        Assert.Equal(1069.00m, quotes[2].LastPrice);
        Assert.Equal(12345678L, quotes[2].Volume);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749808800), quotes[2].ExchangeTime);
        Assert.Equal(24810.35m, quotes[1].LastPrice);
        Assert.Equal(24811.00m, quotes[3].LastPrice);
        Assert.Equal(24795.10m, quotes[3].PreviousClose);
        Assert.Equal(0, decoder.MalformedFrames);
    }

    [Fact]
    public void A_full_buffer_refuses_the_record_and_leaves_the_frame_valid()
    {
        var buffer = new byte[9 + FyersFeedEncoder.UpdateLengthOf(2)];
        var writer = new FyersDataFrameWriter(buffer, 1);
        Assert.True(writer.TryAppendUpdate(1, [1, 2]));
        Assert.False(writer.TryAppendUpdate(1, [3]));
        Assert.Equal(1, writer.RecordCount);
        Assert.Equal(buffer.Length, writer.Length);
    }

    [Fact]
    public void The_client_frame_parser_reads_every_frame_the_client_writer_writes()
    {
        Assert.True(FyersClientFrame.TryParse(Authentication, out var auth, out _));
        Assert.Equal(FyersMessageType.Authentication, auth.Type);
        Assert.Equal(HsmKey, auth.HsmKey);
        Assert.Equal(Source, auth.Source);

        Assert.True(FyersClientFrame.TryParse(FullMode, out var mode, out _));
        Assert.Equal((FyersMode.Full, 11), (mode.Mode, mode.Channel));
        Assert.True(FyersClientFrame.TryParse(LiteMode, out var lite, out _));
        Assert.Equal((FyersMode.Lite, 11), (lite.Mode, lite.Channel));
        // Lite mode is per channel: the Ingestor's ltp channel 12 is bit 12 of the bitmap.
        var liteChannel = new byte[FyersFrameWriter.ModeLength];
        Assert.True(FyersClientFrame.TryParse(liteChannel.AsSpan(0, FyersFrameWriter.WriteMode(liteChannel, FyersMode.Lite, 12)), out var twelve, out _));
        Assert.Equal((FyersMode.Lite, 12), (twelve.Mode, twelve.Channel));

        Assert.True(FyersClientFrame.TryParse(SubscribeThree, out var subscribe, out _));
        Assert.Equal(FyersMessageType.Subscribe, subscribe.Type);
        Assert.Equal(["sf|nse_cm|3045", "dp|nse_cm|3045", "if|nse_cm|Nifty 50"], subscribe.Topics);

        Assert.True(FyersClientFrame.TryParse(Unsubscribe, out var unsubscribe, out _));
        Assert.Equal((FyersMessageType.Unsubscribe, "sf|nse_cm|3045"), (unsubscribe.Type, Assert.Single(unsubscribe.Topics!)));

        Assert.True(FyersClientFrame.TryParse(AckTen, out var ack, out _));
        Assert.Equal(10u, ack.MessageNumber);

        Assert.True(FyersClientFrame.TryParse(Heartbeat, out var heartbeat, out _));
        Assert.Equal(FyersMessageType.Heartbeat, heartbeat.Type);
    }

    [Fact]
    public void A_cut_client_frame_is_refused_with_a_reason()
    {
        Assert.False(FyersClientFrame.TryParse(SubscribeOne.AsSpan(0, SubscribeOne.Length - 5), out _, out var error));
        Assert.NotEmpty(error);
    }
}
