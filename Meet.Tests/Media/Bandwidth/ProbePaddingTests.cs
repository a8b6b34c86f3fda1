using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Bandwidth;

public sealed class ProbePaddingTests
{
    [Test]
    public void A_padding_packet_has_no_payload_and_carries_a_transport_wide_element_our_stamper_numbers()
    {
        Span<byte> packet = stackalloc byte[ProbePadding.MaxPacketSize];
        ProbePadding.TryWrite(packet, 97, 1234, 5678, 0xABCD, 255, out var length).Should().BeTrue();

        length.Should().Be(ProbePadding.MaxPacketSize);
        RtpHeader.TryParse(packet[..length], out var header).Should().BeTrue();
        header.PayloadType.Should().Be(97);
        header.SequenceNumber.Should().Be(1234);
        header.Ssrc.Should().Be(0xABCDu);
        header.PayloadLength.Should().Be(0, "padding only: the receiver decodes nothing");
        (packet[0] & 0x20).Should().NotBe(0, "P bit");
        packet[length - 1].Should().Be(255, "the last byte counts the padding");

        TransportSequenceStamper.TryStamp(packet[..length], TransportSequenceStamper.SubscriberExtensionId, 777).Should().BeTrue();
        header.TryGetExtension(packet[..length], TransportSequenceStamper.SubscriberExtensionId, out var value).Should().BeTrue();
        System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(value).Should().Be(777);
    }

    [TestCase(0, 1)]
    [TestCase(40, 40)]
    [TestCase(100_000, 255)]
    public void The_padding_length_is_clamped_to_what_rtp_can_carry(int asked, int padding)
    {
        Span<byte> packet = stackalloc byte[ProbePadding.MaxPacketSize];
        ProbePadding.TryWrite(packet, 97, 1, 1, 1, asked, out var length).Should().BeTrue();
        packet[length - 1].Should().Be((byte)padding);
    }
}
