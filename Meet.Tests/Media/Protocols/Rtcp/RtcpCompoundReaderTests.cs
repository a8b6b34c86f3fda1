using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpCompoundReaderTests
{
    // What Chrome sends for a video sender (values chosen, layout as captured):
    //   80c8 0006  SR, RC=0, 7 words          SSRC 0x2a2b2c2d, NTP, RTP ts, 120 packets, 96000 octets
    //   81ca 0006  SDES, 1 chunk              SSRC 0x2a2b2c2d, CNAME(1) len 16 "AbCdEfGhIjKlMnOp", end, pad
    //   afcd 0006  RTPFB FMT 15 (transport-cc), P=1: base seq 100, 2 packets, reference time 16 (×64 ms),
    //              fb count 5, one run-length chunk (2 × small delta), deltas 10 and 20 (×250 µs), 4 bytes padding
    internal static readonly byte[] ChromeCompound = Hex(
        "80c80006 2a2b2c2d e9a1b2c3 d4e5f600 00015f90 00000078 00017700" +
        "81ca0006 2a2b2c2d 0110 4162436445664768496a4b6c4d6e4f70 0000" +
        "afcd0006 2a2b2c2d 0a0b0c0d 00640002 00001005 20020a14 00000004");

    // A browser's SR + SDES + REMB compound as captured in the Amazon Kinesis Video Streams WebRTC
    // SDK tests (RtcpFunctionalityTest): SSRC 0xf12d7b4b, CNAME "/vmKQnGnUpO+p8dR", REMB for 2 SSRCs.
    private static readonly byte[] CapturedSrSdesRemb = Hex(
        "80c80006 f12d7b4b e1e32043 e53d102b bf58f7ef 000023f3 006cd375" +
        "81ca0006 f12d7b4b 01102f76 6d4b516e 476e5570 4f2b7038 64520000" +
        "8fce0006 f12d7b4b 00000000 52454d42 02122d97 0cef370d 2d073d1d");

    [Test]
    public void Captured_browser_compound_parses_packet_by_packet()
    {
        var reader = new RtcpCompoundReader(CapturedSrSdesRemb);

        reader.MoveNext().Should().BeTrue();
        RtcpSenderReport.TryParse(reader.CurrentPacket, out var sr).Should().BeTrue();
        sr.Ssrc.Should().Be(0xf12d7b4b);
        sr.NtpTimestamp.Should().Be(0xe1e32043e53d102b);
        sr.RtpTimestamp.Should().Be(0xbf58f7ef);
        sr.PacketCount.Should().Be(9203);
        sr.OctetCount.Should().Be(0x6cd375);
        reader.MoveNext().Should().BeTrue();
        RtcpSdes.TryParse(reader.CurrentPacket, out var sdes).Should().BeTrue();
        sdes.TryGetCname(out var ssrc, out var cname).Should().BeTrue();
        ssrc.Should().Be(0xf12d7b4b);
        System.Text.Encoding.ASCII.GetString(cname).Should().Be("/vmKQnGnUpO+p8dR");
        reader.MoveNext().Should().BeTrue();
        RtcpRemb.TryParse(reader.CurrentPacket, out var remb).Should().BeTrue();
        remb.Bitrate.Should().Be(0x22d97UL << 4); // exp 4, mantissa 142743
        remb.SsrcCount.Should().Be(2);
        remb.GetSsrc(1).Should().Be(0x2d073d1d);
        reader.MoveNext().Should().BeFalse();
        reader.IsMalformed.Should().BeFalse();
    }

    [Test]
    public void Chrome_compound_yields_its_three_packets()
    {
        var reader = new RtcpCompoundReader(ChromeCompound);
        var types = new List<(RtcpPacketType, int)>();
        while (reader.MoveNext())
            types.Add((reader.Current.PacketType, reader.CurrentPacket.Length));

        reader.IsMalformed.Should().BeFalse();
        types.Should().Equal(
            (RtcpPacketType.SenderReport, 28),
            (RtcpPacketType.SourceDescription, 28),
            (RtcpPacketType.TransportFeedback, 28));
        RtcpCompoundReader.IsValidCompound(ChromeCompound).Should().BeTrue();
    }

    [Test]
    public void Every_packet_of_the_compound_parses_with_its_own_reader()
    {
        var reader = new RtcpCompoundReader(ChromeCompound);

        reader.MoveNext().Should().BeTrue();
        RtcpSenderReport.TryParse(reader.CurrentPacket, out var sr).Should().BeTrue();
        sr.PacketCount.Should().Be(120);
        reader.MoveNext().Should().BeTrue();
        RtcpSdes.TryParse(reader.CurrentPacket, out var sdes).Should().BeTrue();
        sdes.TryGetCname(out _, out var cname).Should().BeTrue();
        System.Text.Encoding.ASCII.GetString(cname).Should().Be("AbCdEfGhIjKlMnOp");
        reader.MoveNext().Should().BeTrue();
        RtcpTransportFeedback.TryParse(reader.CurrentPacket, out var feedback).Should().BeTrue();
        feedback.PacketStatusCount.Should().Be(2);
        reader.MoveNext().Should().BeFalse();
    }

    [Test]
    public void Walking_and_parsing_the_compound_allocates_nothing()
    {
        long sum = 0;
        for (var i = 0; i < 100; i++)
            sum += WalkAndParse(CapturedSrSdesRemb);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            sum += WalkAndParse(CapturedSrSdesRemb);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        sum.Should().BeGreaterThan(0);

        static long WalkAndParse(byte[] datagram)
        {
            long total = 0;
            var reader = new RtcpCompoundReader(datagram);
            while (reader.MoveNext())
            {
                if (RtcpSenderReport.TryParse(reader.CurrentPacket, out var sr))
                    total += sr.PacketCount;
                else if (RtcpSdes.TryParse(reader.CurrentPacket, out var sdes) && sdes.TryGetCname(out _, out var cname))
                    total += cname.Length;
                else if (RtcpRemb.TryParse(reader.CurrentPacket, out var remb))
                    total += (long)remb.Bitrate;
            }
            return total;
        }
    }

    [Test]
    public void Padding_on_a_packet_other_than_the_last_marks_the_compound_malformed()
    {
        var bytes = (byte[])ChromeCompound.Clone();
        bytes[0] |= 0x20; // P on the SR

        RtcpCompoundReader.IsValidCompound(bytes).Should().BeFalse();
    }

    [Test]
    public void Truncated_compound_is_invalid_except_at_packet_boundaries()
    {
        int[] boundaries = [28, 56];
        for (var length = 0; length < ChromeCompound.Length; length++)
        {
            RtcpCompoundReader.IsValidCompound(ChromeCompound.AsSpan(0, length))
                .Should().Be(boundaries.Contains(length), $"length {length}");
        }
    }

    [Test]
    public void Random_bytes_never_throw_and_packets_stay_in_bounds() => Prop.ForAll<byte[]>(bytes =>
    {
        var reader = new RtcpCompoundReader(bytes);
        var total = 0;
        while (reader.MoveNext())
            total += reader.CurrentPacket.Length;
        total.Should().BeLessThanOrEqualTo(bytes.Length);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
