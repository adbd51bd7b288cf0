using System.Buffers;
using System.Text;
using TradingHelper.Core.Brokers.Kite;

namespace TradingHelper.Tests.Brokers.Kite;

public sealed class KiteTextMessageTests
{
    [Fact]
    public void Order_postback_goes_to_the_order_kind_with_its_payload_intact()
    {
        var frame = """{"type":"order","data":{"order_id":"220303000308932","status":"COMPLETE","instrument_token":408065,"filled_quantity":1}}"""u8;

        Assert.True(KiteTextMessage.TryParse(frame, out var message, out _));

        Assert.Equal(KiteTextMessageType.Order, message.Kind);
        Assert.Contains("\"order_id\":\"220303000308932\"", message.Data, StringComparison.Ordinal);
        Assert.Null(message.DataText);
    }

    [Fact]
    public void Error_frame_carries_its_message_text()
    {
        Assert.True(KiteTextMessage.TryParse("""{"type":"error","data":"Can't subscribe to more than 3000 instruments."}"""u8, out var message, out _));

        Assert.Equal(KiteTextMessageType.Error, message.Kind);
        Assert.Equal("Can't subscribe to more than 3000 instruments.", message.DataText);
    }

    [Fact]
    public void Broker_message_and_unknown_types_are_kept_for_logging()
    {
        Assert.True(KiteTextMessage.TryParse("""{"type":"message","data":"Markets closed early"}"""u8, out var message, out _));
        Assert.True(KiteTextMessage.TryParse("""{"type":"instruments_meta","data":{"count":1}}"""u8, out var other, out _));

        Assert.Equal(KiteTextMessageType.Message, message.Kind);
        Assert.Equal("Markets closed early", message.DataText);
        Assert.Equal(KiteTextMessageType.Other, other.Kind);
        Assert.Equal("instruments_meta", other.Type);
    }

    [Theory]
    [InlineData("{\"type\":\"order\",\"data\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"data\":\"no type\"}")]
    [InlineData("")]
    public void Malformed_text_frame_is_reported_not_thrown(string text)
    {
        Assert.False(KiteTextMessage.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error));

        Assert.Null(message);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Subscribe_and_mode_messages_are_written_exactly_as_kite_expects()
    {
        var subscribe = new ArrayBufferWriter<byte>();
        var mode = new ArrayBufferWriter<byte>();
        var unsubscribe = new ArrayBufferWriter<byte>();

        KiteClientMessages.WriteSubscribe(subscribe, [408065, 884737]);
        KiteClientMessages.WriteMode(mode, KiteMode.Full, [408065]);
        KiteClientMessages.WriteUnsubscribe(unsubscribe, [408065]);

        Assert.Equal("""{"a":"subscribe","v":[408065,884737]}""", Encoding.UTF8.GetString(subscribe.WrittenSpan));
        Assert.Equal("""{"a":"mode","v":["full",[408065]]}""", Encoding.UTF8.GetString(mode.WrittenSpan));
        Assert.Equal("""{"a":"unsubscribe","v":[408065]}""", Encoding.UTF8.GetString(unsubscribe.WrittenSpan));
    }

    [Fact]
    public void Client_messages_of_the_spec_parse_into_actions_modes_and_tokens()
    {
        Assert.True(KiteClientMessages.TryParse("""{"a":"subscribe","v":[408065,884737]}"""u8, out var subscribe, out _));
        Assert.True(KiteClientMessages.TryParse("""{"a":"mode","v":["full",[408065]]}"""u8, out var mode, out _));
        Assert.True(KiteClientMessages.TryParse("""{"a":"unsubscribe","v":[4294967295]}"""u8, out var unsubscribe, out _));

        Assert.Equal(KiteClientAction.Subscribe, subscribe.Action);
        Assert.Equal([408065u, 884737u], subscribe.Tokens);
        Assert.Equal(KiteClientAction.Mode, mode.Action);
        Assert.Equal(KiteMode.Full, mode.Mode);
        Assert.Equal([408065u], mode.Tokens);
        Assert.Equal(KiteClientAction.Unsubscribe, unsubscribe.Action);
        Assert.Equal([uint.MaxValue], unsubscribe.Tokens);
    }

    [Theory]
    [InlineData("""{"a":"subscribe","v":[-1]}""", "-1")]
    [InlineData("""{"a":"subscribe","v":["408065"]}""", "408065")]
    [InlineData("""{"a":"subscribe"}""", "\"v\"")]
    [InlineData("""{"v":[1]}""", "\"a\"")]
    [InlineData("""{"a":"mode","v":["depth",[1]]}""", "mode")]
    [InlineData("""{"a":"buy","v":[1]}""", "buy")]
    [InlineData("""{"a":"subscribe","v":[1""", "Malformed")]
    public void Bad_client_message_is_refused_with_a_reason_naming_the_field(string text, string named)
    {
        Assert.False(KiteClientMessages.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));

        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}
