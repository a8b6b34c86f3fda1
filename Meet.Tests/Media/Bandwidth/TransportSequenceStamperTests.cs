using System.Buffers.Binary;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Bandwidth;

[TestFixture]
public sealed class TransportSequenceStamperTests
{
    // One-byte extensions: id 5 = transport-wide (2 bytes, 0xAAAA), id 3 = audio level (1 byte, 0x7F), padding.
    private static byte[] Packet() =>
        [0x90, 111, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 0x51, 0xAA, 0xAA, 0x30, 0x7F, 0, 0, 0, 0xDE, 0xAD];

    [Test]
    public void The_publishers_element_is_renumbered_in_place_and_a_clashing_id_is_swapped_away()
    {
        var packet = Packet();
        TransportSequenceStamper.TryStamp(packet, 5, 0x1234).Should().BeTrue();

        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        header.TryGetExtension(packet, TransportSequenceStamper.SubscriberExtensionId, out var twcc).Should().BeTrue();
        BinaryPrimitives.ReadUInt16BigEndian(twcc).Should().Be(0x1234);
        header.TryGetExtension(packet, 5, out var moved).Should().BeTrue("the audio level now carries the publisher's old id");
        moved.ToArray().Should().Equal(0x7F);
        header.GetPayload(packet).ToArray().Should().Equal(0xDE, 0xAD);
        packet.Length.Should().Be(Packet().Length);
    }

    [Test]
    public void A_packet_without_a_transport_wide_element_is_left_alone()
    {
        var packet = Packet();
        TransportSequenceStamper.TryStamp(packet, 0, 1).Should().BeFalse();
        TransportSequenceStamper.TryStamp(packet, 7, 1).Should().BeFalse();
        packet.Should().Equal(Packet());
    }
}
