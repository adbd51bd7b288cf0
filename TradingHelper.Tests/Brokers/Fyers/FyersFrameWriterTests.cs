using System.Buffers;
using TradingHelper.Core.Brokers.Fyers;
using static TradingHelper.Tests.Brokers.Fyers.FyersTestVectors;

namespace TradingHelper.Tests.Brokers.Fyers;

public class FyersFrameWriterTests
{
    private static byte[] Written(Func<byte[], int> write)
    {
        var buffer = new byte[512];
        Array.Fill(buffer, (byte)0xEE);
        return buffer[..write(buffer)];
    }

    [Fact]
    public void Authentication_carries_the_hsm_key_mode_P_stream_flag_and_source()
    {
        Assert.Equal(Authentication, Written(b => FyersFrameWriter.WriteAuthentication(b, HsmKey, Source)));
        Assert.Equal(Authentication.Length, FyersFrameWriter.AuthenticationLengthOf(HsmKey.Length, Source.Length));
    }

    [Fact]
    public void Full_and_lite_mode_set_channel_11_as_a_bitmap()
    {
        Assert.Equal(FullMode, Written(b => FyersFrameWriter.WriteMode(b, FyersMode.Full)));
        Assert.Equal(LiteMode, Written(b => FyersFrameWriter.WriteMode(b, FyersMode.Lite, 11)));
    }

    [Fact]
    public void Subscribe_lists_topics_with_a_count_and_the_channel()
    {
        Assert.Equal(SubscribeOne, Written(b => FyersFrameWriter.WriteSubscribe(b, ["sf|nse_cm|3045"])));
        Assert.Equal(SubscribeThree, Written(b => FyersFrameWriter.WriteSubscribe(b, ["sf|nse_cm|3045", "dp|nse_cm|3045", "if|nse_cm|Nifty 50"])));
        Assert.Equal(SubscribeThree.Length, FyersFrameWriter.SubscriptionLengthOf(["sf|nse_cm|3045", "dp|nse_cm|3045", "if|nse_cm|Nifty 50"]));
    }

    [Fact]
    public void Unsubscribe_has_the_subscribe_layout_with_type_5() =>
        Assert.Equal(Unsubscribe, Written(b => FyersFrameWriter.WriteUnsubscribe(b, ["sf|nse_cm|3045"])));

    [Fact]
    public void Heartbeat_ack_pause_and_resume_are_byte_exact()
    {
        Assert.Equal(Heartbeat, Written(b => FyersFrameWriter.WriteHeartbeat(b)));
        Assert.Equal(AckTen, Written(b => FyersFrameWriter.WriteAcknowledgement(b, 10)));
        Assert.Equal(Pause, Written(b => FyersFrameWriter.WritePause(b)));
        Assert.Equal(Resume, Written(b => FyersFrameWriter.WriteResume(b, 11)));
    }

    [Fact]
    public void Buffer_writer_overloads_append_the_same_frames_back_to_back()
    {
        var writer = new ArrayBufferWriter<byte>();
        FyersFrameWriter.WriteAuthentication(writer, HsmKey, Source);
        FyersFrameWriter.WriteMode(writer, FyersMode.Full);
        FyersFrameWriter.WriteSubscribe(writer, ["sf|nse_cm|3045"]);
        FyersFrameWriter.WriteUnsubscribe(writer, ["sf|nse_cm|3045"]);
        FyersFrameWriter.WriteHeartbeat(writer);
        FyersFrameWriter.WriteAcknowledgement(writer, 10);
        FyersFrameWriter.WritePause(writer);
        FyersFrameWriter.WriteResume(writer);

        Assert.Equal([.. Authentication, .. FullMode, .. SubscribeOne, .. Unsubscribe, .. Heartbeat, .. AckTen, .. Pause, .. Resume], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_frame_takes_at_most_1500_topics()
    {
        var topics = Enumerable.Range(0, FyersFrameWriter.MaxTopicsPerFrame + 1).Select(i => $"sf|nse_fo|{i}").ToArray();
        var buffer = new byte[FyersFrameWriter.SubscriptionLengthOf(topics)];

        var written = FyersFrameWriter.WriteSubscribe(buffer, topics.AsSpan(0, FyersFrameWriter.MaxTopicsPerFrame));

        Assert.Equal(FyersFrameWriter.SubscriptionLengthOf(topics.AsSpan(0, FyersFrameWriter.MaxTopicsPerFrame)), written);
        Assert.Equal(new byte[] { 0x05, 0xDC }, buffer[7..9]);
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersFrameWriter.WriteSubscribe(buffer, topics));
    }

    [Fact]
    public void Bad_requests_are_refused_before_anything_is_sent()
    {
        var buffer = new byte[64];
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersFrameWriter.WriteSubscribe(buffer, ["sf|nse_cm|3045"], channel: 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersFrameWriter.WriteMode(buffer, FyersMode.Full, channel: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersFrameWriter.WriteSubscribe(buffer, []));
        Assert.Throws<ArgumentException>(() => FyersFrameWriter.WriteSubscribe(buffer, ["if|nse_cm|Nifty 5€"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersFrameWriter.WriteSubscribe(new byte[27], ["sf|nse_cm|3045"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FyersFrameWriter.WriteMode(buffer, (FyersMode)'X'));
    }
}
