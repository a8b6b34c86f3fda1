using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Tests.Media.Protocols.Rtcp;

internal delegate bool RtcpParser(ReadOnlySpan<byte> packet);

// The checks every RTCP reader gets: truncation at every length and random input never throwing.
internal static class RtcpParserChecks
{
    public static void TruncatedAtEveryLengthIsRejected(byte[] packet, RtcpParser parse)
    {
        parse(packet).Should().BeTrue("the untruncated packet is valid");
        for (var length = 0; length < packet.Length; length++)
            parse(packet.AsSpan(0, length)).Should().BeFalse($"length {length} of {packet.Length}");
    }

    // Random bodies behind a header of the right type and a consistent length, so the body parser
    // itself is exercised (pure random bytes rarely get past the header).
    public static void RandomBodiesNeverThrow(RtcpPacketType type, int count, RtcpParser parse) =>
        Prop.ForAll<byte[], bool>((body, padded) =>
        {
            var words = Math.Min(body.Length / 4, 200);
            var packet = new byte[4 + words * 4];
            packet[0] = (byte)(0x80 | (padded && words > 0 ? 0x20 : 0) | count);
            packet[1] = (byte)type;
            packet[3] = (byte)words;
            body.AsSpan(0, words * 4).CopyTo(packet.AsSpan(4));
            parse(packet);
            parse(body);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
