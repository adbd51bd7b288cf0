namespace TradingHelper.Tests.Brokers.Kite;

/// <summary>The byte-exact vectors of the Kite spec (TV-0..TV-11), copied here so tests depend on nothing outside the repo.</summary>
internal static class KiteTestVectors
{
    public static readonly byte[] Heartbeat = [0x00];

    public static readonly byte[] LtpInfyFrame = Convert.FromHexString("0001000800063A0100026683");

    public static readonly byte[] LtpInfyPacket = Convert.FromHexString("00063A0100026683");

    public static readonly byte[] LtpCdsPacket = Convert.FromHexString("0027100331A01618");

    public static readonly byte[] LtpBcdPacket = Convert.FromHexString("00000106000CB43F");

    public static readonly byte[] QuoteInfyPacket = Convert.FromHexString(
        "00063A010002668300000001000265690011F1B20003E9FF00058037000264F30002673C000261C90002646C");

    public static readonly byte[] FullInfyPacket = Convert.FromHexString(
        "00063A01000266BA000000070002656D001232170003E9BB00058A01000264F30002673C000261C90002646C60E2947F00000000000000000000000060E2947F"
        + "000000050002669C000100000000008C0002667400020000000000020002666F00010000000000DB0002666A00070000000000320002666500010000"
        + "000000AC000266BA000300000000002C000266BF000300000000012E000266C9000300000000008D000266CE00020000000002D4000266D300050000");

    public static readonly byte[] IndexQuoteNiftyPacket = Convert.FromHexString("0003E9090025280300253B400024ED52002500C100251430000013D3");

    public static readonly byte[] IndexFullBankNiftyPacket = Convert.FromHexString("0003F809004E2D7F004E9530004DD1EA004DF8F0004E4724FFFFE65B66694B39");

    public static readonly byte[] IndexQuote2017Frame = Convert.FromHexString("0001001C0003E909000DED2D000DFD18000DE90E000DFCD7000DED2DFFFFFFDC");

    public static readonly byte[] FullNfoOptionPacket = Convert.FromHexString(
        "00B83C02000062C40000004B0000614EB2D05E000001E23A0001818C000055F00000678400005401000055E666694B380012D6440016E360000F424066694B39"
        + "00000384000062C0FFFF0000000001C2000062BB0003000000000096000062B6000200000000004B000062B10001000000000000000000000000000000"
        + "00012C000062CA0004000000000258000062CF000600000000004B000062D400010000000005DC000062D9000C0000000000E1000062DE00020000");

    public static readonly byte[] MultiPacketFrame = Convert.FromHexString(
        "0002000800063A0100026683001C0003E9090025280300253B400024ED52002500C100251430000013D3");

    public static readonly byte[] TataMotorsLtpFrame = Convert.FromHexString("00010008000D80010000997F");

    public static readonly byte[] TataMotorsQuoteFrame = Convert.FromHexString(
        "0001002C000D80010000997F0000000200009D730153AD28000015F1000000000000A4100000A46A000098620000A1C2");

    public static readonly byte[] TataMotorsFullFrame = Convert.FromHexString(
        "000100B8000D80010000997F0000000200009D730153AD28000015F1000000000000A4100000A46A000098620000A1C262AB05A000000000000000000000000062AB1198"
        + "000015F10000997F001E0000" + new string('0', 9 * 24));

    /// <summary>Wraps packets into one frame: count, then each packet with its length.</summary>
    public static byte[] Frame(params byte[][] packets)
    {
        var frame = new List<byte> { (byte)(packets.Length >> 8), (byte)packets.Length };
        foreach (var packet in packets)
        {
            frame.Add((byte)(packet.Length >> 8));
            frame.Add((byte)packet.Length);
            frame.AddRange(packet);
        }
        return [.. frame];
    }
}
