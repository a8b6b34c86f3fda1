using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Bandwidth;

[TestFixture]
public sealed class RtxPacketTests
{
    [Test]
    public void An_rtx_packet_is_restored_in_place_to_the_original_ssrc_payload_type_and_sequence()
    {
        // RTX: PT 97, seq 9, SSRC 0xBBBB, one-byte extension (id 1 = 0x42), payload OSN 0x1234 + "abc".
        byte[] packet = [0x90, 0x80 | 97, 0, 9, 0, 0, 0, 50, 0, 0, 0xBB, 0xBB, 0xBE, 0xDE, 0, 1, 0x10, 0x42, 0, 0, 0x12, 0x34, (byte)'a', (byte)'b', (byte)'c'];
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();

        RtxPacket.TryRestore(packet, header, 0xAAAA, 96, out var restored).Should().BeTrue();

        RtpHeader.TryParse(restored, out var original).Should().BeTrue();
        original.PayloadType.Should().Be(96);
        original.Marker.Should().BeTrue();
        original.SequenceNumber.Should().Be(0x1234);
        original.Ssrc.Should().Be(0xAAAA);
        original.Timestamp.Should().Be(50);
        original.TryGetExtension(restored, 1, out var value).Should().BeTrue();
        value.ToArray().Should().Equal(0x42);
        original.GetPayload(restored).ToArray().Should().Equal("abc"u8.ToArray());
    }

    [Test]
    public void A_padding_only_probe_has_nothing_to_restore()
    {
        byte[] packet = [0xA0, 97, 0, 9, 0, 0, 0, 50, 0, 0, 0xBB, 0xBB, 0, 0, 0, 4];
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        RtxPacket.TryRestore(packet, header, 0xAAAA, 96, out _).Should().BeFalse();
    }
}
