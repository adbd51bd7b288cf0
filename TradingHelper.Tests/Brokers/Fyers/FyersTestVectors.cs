namespace TradingHelper.Tests.Brokers.Fyers;

/// <summary>The byte-exact vectors of the Fyers spec §7, copied here so tests never read the spec.</summary>
internal static class FyersTestVectors
{
    public const string HsmKey = "0123456789abcdef0123456789abcdef0123456789abcdef01234567";

    public const string Source = "TickIngest-1.0";

    /// <summary>§7.1 auth request: the fake 56-char hsm_key below, source "TickIngest-1.0", 88 bytes.</summary>
    public static readonly byte[] Authentication = Hex(
        "00 56 01 04 01 00 38 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 30 31 32 33 34 35 36 37 38 " +
        "39 61 62 63 64 65 66 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 30 31 32 33 34 35 36 37 02 " +
        "00 01 50 03 00 01 01 04 00 0e 54 69 63 6b 49 6e 67 65 73 74 2d 31 2e 30");

    /// <summary>§7.1 full mode on channel 11.</summary>
    public static readonly byte[] FullMode = Hex("00 11 0c 02 01 00 08 00 00 00 00 00 00 08 00 02 00 01 46");

    /// <summary>§7.1 lite mode on channel 11.</summary>
    public static readonly byte[] LiteMode = Hex("00 11 0c 02 01 00 08 00 00 00 00 00 00 08 00 02 00 01 4c");

    /// <summary>§7.1 subscribe sf|nse_cm|3045 on channel 11, 28 bytes.</summary>
    public static readonly byte[] SubscribeOne = Hex("00 1a 04 02 01 00 11 00 01 0e 73 66 7c 6e 73 65 5f 63 6d 7c 33 30 34 35 02 00 01 0b");

    /// <summary>§7.1 subscribe sf|nse_cm|3045, dp|nse_cm|3045, if|nse_cm|Nifty 50, 62 bytes.</summary>
    public static readonly byte[] SubscribeThree = Hex(
        "00 3c 04 02 01 00 33 00 03 0e 73 66 7c 6e 73 65 5f 63 6d 7c 33 30 34 35 0e 64 70 7c 6e 73 65 5f " +
        "63 6d 7c 33 30 34 35 12 69 66 7c 6e 73 65 5f 63 6d 7c 4e 69 66 74 79 20 35 30 02 00 01 0b");

    /// <summary>§7.1 unsubscribe sf|nse_cm|3045.</summary>
    public static readonly byte[] Unsubscribe = Hex("00 1a 05 02 01 00 11 00 01 0e 73 66 7c 6e 73 65 5f 63 6d 7c 33 30 34 35 02 00 01 0b");

    /// <summary>§7.1 heartbeat.</summary>
    public static readonly byte[] Heartbeat = Hex("00 01 0b");

    /// <summary>§7.1 ack for message number 10.</summary>
    public static readonly byte[] AckTen = Hex("00 09 03 01 01 00 04 00 00 00 0a");

    /// <summary>§7.1 pause channel 11.</summary>
    public static readonly byte[] Pause = Hex("00 0d 07 01 01 00 08 00 00 00 00 00 00 08 00");

    /// <summary>§7.1 resume channel 11.</summary>
    public static readonly byte[] Resume = Hex("00 0d 08 01 01 00 08 00 00 00 00 00 00 08 00");

    /// <summary>§7.2 auth OK, ack count 10.</summary>
    public static readonly byte[] AuthOk = Hex("00 0d 01 02 01 00 01 4b 02 00 04 00 00 00 0a");

    /// <summary>§7.2 auth failed.</summary>
    public static readonly byte[] AuthFailed = Hex("00 0d 01 02 01 00 01 4e 02 00 04 00 00 00 00");

    /// <summary>§7.2 subscribe OK.</summary>
    public static readonly byte[] SubscribeOk = Hex("00 06 04 01 01 00 01 4b");

    /// <summary>§7.2 mode OK.</summary>
    public static readonly byte[] ModeOk = Hex("00 06 0c 01 01 00 01 4b");

    /// <summary>§7.3 SBIN scrip snapshot, topic 7, message 1, 134 bytes.</summary>
    public static readonly byte[] ScripSnapshot = Hex(
        "00 84 06 00 00 00 01 00 01 53 00 07 0e 73 66 7c 6e 73 65 5f 63 6d 7c 33 30 34 35 15 00 01 a1 5d " +
        "00 bc 61 4e 68 4b f6 9e 68 4b f6 9f 00 00 3a 42 00 00 00 00 00 01 a1 5d 00 00 00 00 00 00 00 19 " +
        "00 00 3a 42 00 00 00 00 00 01 a2 04 00 00 00 00 00 01 9f 3c 00 01 a4 fa 00 01 b7 74 00 01 09 a0 " +
        "00 01 7e 21 00 01 d3 03 00 01 a3 ec 00 01 a8 92 00 00 00 01 02 03 4e 53 45 04 33 30 34 35 07 53 " +
        "42 49 4e 2d 45 51");

    /// <summary>§7.4 sentinel-padded update of topic 7, message 2, 97 bytes.</summary>
    public static readonly byte[] PaddedUpdate = Hex(
        "00 5f 06 00 00 00 02 00 01 55 00 07 15 00 01 a1 62 00 bc 61 67 68 4b f6 9f 68 4b f6 a0 80 00 00 " +
        "00 80 00 00 00 80 00 00 00 80 00 00 00 00 00 00 19 00 00 3a 29 80 00 00 00 80 00 00 00 80 00 00 " +
        "00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 " +
        "00");

    /// <summary>§7.5 truncated update of topic 7 (4 values), message 3, 29 bytes.</summary>
    public static readonly byte[] TruncatedUpdate = Hex("00 1b 06 00 00 00 03 00 01 55 00 07 04 00 01 a1 67 00 bc 61 c8 68 4b f6 a0 68 4b f6 a0");

    /// <summary>§7.6 lite tick of topic 7, message 4, 16 bytes.</summary>
    public static readonly byte[] LiteTick = Hex("00 0e 06 00 00 00 04 00 01 4c 00 07 00 01 a1 6c");

    /// <summary>§7.7 Nifty 50 index snapshot with 8 values, topic 9, message 5, 96 bytes.</summary>
    public static readonly byte[] IndexSnapshot = Hex(
        "00 5e 06 00 00 00 05 00 01 53 00 09 12 69 66 7c 6e 73 65 5f 63 6d 7c 4e 69 66 74 79 20 35 30 08 " +
        "00 25 db 8b 00 25 d5 96 68 4b f6 9f 00 25 fe 86 00 25 b2 78 00 25 cf b0 00 28 18 97 00 21 2d c0 " +
        "00 00 00 01 02 03 4e 53 45 08 4e 69 66 74 79 20 35 30 0d 4e 49 46 54 59 35 30 2d 49 4e 44 45 58");

    /// <summary>§7.8 depth snapshot (topic 8) + scrip update (topic 7) + depth update, message 6, 302 bytes.</summary>
    public static readonly byte[] MultiRecord = Hex(
        "01 2c 06 00 00 00 06 00 03 53 00 08 0e 64 70 7c 6e 73 65 5f 63 6d 7c 33 30 34 35 1e 00 01 a1 5d " +
        "00 01 a1 58 00 01 a1 53 00 01 a1 4e 00 01 a1 49 00 01 a1 62 00 01 a1 67 00 01 a1 6c 00 01 a1 71 " +
        "00 01 a1 76 00 00 00 64 00 00 00 c8 00 00 01 2c 00 00 01 90 00 00 01 f4 00 00 00 96 00 00 00 fa " +
        "00 00 01 5e 00 00 01 c2 00 00 02 26 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05 " +
        "00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05 00 00 00 06 00 00 00 01 02 03 4e 53 45 04 33 30 " +
        "34 35 07 53 42 49 4e 2d 45 51 55 00 07 01 00 01 a1 6c 55 00 08 1e 80 00 00 00 80 00 00 00 80 00 " +
        "00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 00 00 " +
        "00 78 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 " +
        "00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 00 00 80 00 " +
        "00 00 80 00 00 00 80 00 00 00 80 00 00 00");

    public static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", "", StringComparison.Ordinal));
}
