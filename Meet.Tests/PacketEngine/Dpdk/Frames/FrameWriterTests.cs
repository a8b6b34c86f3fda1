using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class FrameWriterTests
{
    private static readonly MacAddress LocalMac = new(0x02_00_00_00_00_01);
    private static readonly MacAddress PeerMac = new(0x02_00_00_00_00_02);

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(1200)]
    [TestCase(1472)]
    public void A_written_udp_frame_reads_back_with_valid_checksums(int payloadLength)
    {
        var payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7)).ToArray();
        var frame = new byte[FrameWriter.UdpHeadersSize + payload.Length];

        FrameWriter.TryWriteUdpHeaders(frame, LocalMac, PeerMac, 0x0A630001, 5004, 0x0A630002, 40000, payload, true, out var written)
            .Should().BeTrue();
        payload.CopyTo(frame, written);

        written.Should().Be(42);
        FrameReader.Read(frame, PeerMac, 0x0A630002, out var datagram, out _, out _).Should().Be(FrameKind.Udp);
        datagram.Should().Be(new UdpDatagramInfo(LocalMac, 0x0A630001, 5004, 40000, 42, payloadLength));
        Ipv4Header.TryParse(frame.AsSpan(14), out var ip).Should().BeTrue();
        ip.IsFragment.Should().BeFalse();
        (ip.FlagsAndFragmentOffset & Ipv4Header.DontFragment).Should().NotBe(0);
        frame[40..42].Should().NotEqual(new byte[2], "a UDP checksum is generated");
    }

    [Test]
    public void Without_udp_checksum_the_field_is_zero_and_still_accepted()
    {
        var frame = new byte[FrameWriter.UdpHeadersSize + 3];
        FrameWriter.TryWriteUdpHeaders(frame, LocalMac, PeerMac, 1, 2, 3, 4, [1, 2, 3], false, out _);
        frame[40..42].Should().Equal(0, 0);
    }

    [Test]
    public void Short_header_buffer_is_refused()
    {
        FrameWriter.TryWriteUdpHeaders(new byte[41], LocalMac, PeerMac, 1, 2, 3, 4, [], true, out var written).Should().BeFalse();
        written.Should().Be(0);
    }

    [Test]
    public void Payload_too_large_for_ipv4_is_refused()
    {
        FrameWriter.TryWriteUdpHeaders(new byte[42], LocalMac, PeerMac, 1, 2, 3, 4, new byte[65_508], true, out _).Should().BeFalse();
    }

    [Test]
    public void Arp_reply_round_trips()
    {
        var reply = new ArpPacket(ArpPacket.OperationReply, LocalMac, 0x0A630001, PeerMac, 0x0A630002);
        var frame = new byte[FrameWriter.ArpFrameSize];

        FrameWriter.TryWriteArp(frame, PeerMac, reply, out var written).Should().BeTrue();

        written.Should().Be(42);
        FrameReader.Read(frame, PeerMac, 0x0A630002, out _, out var parsed, out _).Should().Be(FrameKind.ArpReply);
        parsed.Should().Be(reply);
    }
}
