using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Meet.PacketEngine;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class FrameReaderTests
{
    private static readonly MacAddress LocalMac = new(0x02_00_00_00_00_01);
    private static readonly MacAddress PeerMac = new(0x02_00_00_00_00_02);
    private const uint LocalIp = 0x0A630001;
    private const uint PeerIp = 0x0A630002;

    private static byte[] UdpFrame(byte[] payload, uint destinationIp = LocalIp, MacAddress? destinationMac = null)
    {
        var frame = new byte[FrameWriter.UdpHeadersSize + payload.Length];
        FrameWriter.TryWriteUdpHeaders(frame, PeerMac, destinationMac ?? LocalMac, PeerIp, 40000, destinationIp, 5004, payload, true, out _);
        payload.CopyTo(frame, FrameWriter.UdpHeadersSize);
        return frame;
    }

    private static byte[] ArpFrame(ushort operation, uint targetIp)
    {
        var frame = new byte[FrameWriter.ArpFrameSize];
        FrameWriter.TryWriteArp(frame, MacAddress.Broadcast, new ArpPacket(operation, PeerMac, PeerIp, default, targetIp), out _);
        return frame;
    }

    private static FrameKind Read(byte[] frame, out UdpDatagramInfo datagram, out DropReason reason) =>
        FrameReader.Read(frame, LocalMac, LocalIp, out datagram, out _, out reason);

    private static void SetIpField(byte[] frame, int offset, ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + offset), value);
        frame[24] = frame[25] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), InternetChecksum.Compute(frame.AsSpan(14, 20)));
    }

    [Test]
    public void Udp_for_us_yields_sender_ports_and_payload_position()
    {
        var frame = UdpFrame([1, 2, 3, 4, 5]);

        Read(frame, out var datagram, out _).Should().Be(FrameKind.Udp);

        datagram.Should().Be(new UdpDatagramInfo(PeerMac, PeerIp, 40000, 5004, 42, 5));
    }

    [Test]
    public void Ethernet_padding_after_a_short_datagram_is_ignored()
    {
        var frame = UdpFrame([7]).Concat(new byte[17]).ToArray(); // padded to the 60-byte minimum

        Read(frame, out var datagram, out _).Should().Be(FrameKind.Udp);
        datagram.PayloadLength.Should().Be(1);
    }

    [Test]
    public void Frames_truncated_at_every_length_are_malformed_never_udp()
    {
        var frame = UdpFrame(new byte[40]);
        for (var length = 0; length < frame.Length; length++)
        {
            Read(frame[..length], out _, out var reason).Should().Be(FrameKind.Dropped, $"length {length}");
            reason.Should().Be(DropReason.Malformed, $"length {length}");
        }
    }

    [Test]
    public void Bad_ip_checksum_is_dropped_as_such()
    {
        var frame = UdpFrame([1]);
        frame[24] ^= 0x01;
        Read(frame, out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.BadIpChecksum);
    }

    [TestCase((ushort)0x2000, TestName = "First_fragment_is_dropped_as_fragment")]
    [TestCase((ushort)0x00B9, TestName = "Later_fragment_is_dropped_as_fragment")]
    public void Fragments_are_dropped(ushort flagsAndOffset)
    {
        var frame = UdpFrame([1, 2]);
        SetIpField(frame, 6, flagsAndOffset);
        Read(frame, out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.Fragment);
    }

    [Test]
    public void Non_udp_ip_is_dropped_as_not_udp()
    {
        var frame = UdpFrame([1, 2]);
        SetIpField(frame, 8, 0x4001); // TTL 64, protocol ICMP
        Read(frame, out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.NotUdp);
    }

    [Test]
    public void Other_ethertypes_are_dropped_as_not_udp()
    {
        var frame = UdpFrame([1, 2]);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x86DD);
        Read(frame, out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.NotUdp);
    }

    [Test]
    public void Bad_udp_checksum_is_dropped_as_such()
    {
        var frame = UdpFrame([1, 2, 3]);
        frame[^1] ^= 0x80;
        Read(frame, out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.BadUdpChecksum);
    }

    [Test]
    public void Another_ip_or_mac_is_not_for_us()
    {
        Read(UdpFrame([1], destinationIp: 0x0A630009), out _, out var byIp).Should().Be(FrameKind.Dropped);
        byIp.Should().Be(DropReason.NotForUs);
        Read(UdpFrame([1], destinationMac: new MacAddress(0x02_00_00_00_00_09)), out _, out var byMac).Should().Be(FrameKind.Dropped);
        byMac.Should().Be(DropReason.NotForUs);
    }

    [Test]
    public void Arp_request_for_our_address_is_to_be_answered()
    {
        FrameReader.Read(ArpFrame(ArpPacket.OperationRequest, LocalIp), LocalMac, LocalIp, out _, out var arp, out _)
            .Should().Be(FrameKind.ArpRequest);
        arp.SenderMac.Should().Be(PeerMac);
        arp.SenderIp.Should().Be(PeerIp);
    }

    [Test]
    public void Arp_reply_to_us_is_learned_from()
    {
        Read(ArpFrame(ArpPacket.OperationReply, LocalIp), out _, out _).Should().Be(FrameKind.ArpReply);
    }

    [Test]
    public void Arp_for_another_address_is_not_for_us()
    {
        Read(ArpFrame(ArpPacket.OperationRequest, 0x0A630003), out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.NotForUs);
    }

    [Test]
    public void Arp_with_an_unknown_operation_is_malformed()
    {
        Read(ArpFrame(9, LocalIp), out _, out var reason).Should().Be(FrameKind.Dropped);
        reason.Should().Be(DropReason.Malformed);
    }

    [Test]
    public void Random_bytes_never_throw_and_never_point_outside_the_frame() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            var kind = FrameReader.Read(bytes, LocalMac, LocalIp, out var datagram, out _, out _);
            return kind != FrameKind.Udp || datagram.PayloadOffset + datagram.PayloadLength <= bytes.Length;
        }).QuickCheckThrowOnFailure();

    [Test]
    public void Random_bytes_behind_valid_headers_never_throw() =>
        Prop.ForAll<byte[]>(tail =>
        {
            // Keep Ethernet + the first IPv4 bytes valid so the fuzzing reaches the deeper layers.
            var frame = UdpFrame([]).AsSpan(0, 16).ToArray().Concat(tail).ToArray();
            FrameReader.Read(frame, LocalMac, LocalIp, out _, out _, out _);
            return true;
        }).QuickCheckThrowOnFailure();
}
