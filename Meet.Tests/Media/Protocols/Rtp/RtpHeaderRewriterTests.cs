using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class RtpHeaderRewriterTests
{
    [Test]
    public void Rewrite_changes_ssrc_sequence_and_timestamp_and_nothing_else()
    {
        var packet = (byte[])RtpHeaderTests.ChromeOpus.Clone();

        RtpHeaderRewriter.TryRewrite(packet, 0xCAFEBABE, 65535, 0xFFFFFFF0).Should().BeTrue();

        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        header.Ssrc.Should().Be(0xCAFEBABE);
        header.SequenceNumber.Should().Be(65535);
        header.Timestamp.Should().Be(0xFFFFFFF0);
        packet.AsSpan(0, 2).ToArray().Should().Equal(RtpHeaderTests.ChromeOpus.AsSpan(0, 2).ToArray());
        packet.AsSpan(12).ToArray().Should().Equal(RtpHeaderTests.ChromeOpus.AsSpan(12).ToArray());
    }

    [Test]
    public void Payload_type_and_marker_are_rewritten()
    {
        var packet = (byte[])RtpHeaderTests.ChromeOpus.Clone();

        RtpHeaderRewriter.TrySetPayloadType(packet, 100, marker: true).Should().BeTrue();

        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        header.PayloadType.Should().Be(100);
        header.Marker.Should().BeTrue();
        header.HasExtension.Should().BeTrue();
    }

    [Test]
    public void Transport_wide_sequence_number_is_rewritten_in_place()
    {
        var packet = (byte[])RtpHeaderTests.ChromeOpus.Clone();
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();

        RtpHeaderRewriter.TryRewriteExtension(packet, header, 3, [0xAB, 0xCD]).Should().BeTrue();
        RtpHeaderRewriter.TryRewriteExtension(packet, header, 3, [0xAB]).Should().BeFalse("lengths differ");
        RtpHeaderRewriter.TryRewriteExtension(packet, header, 9, [0xAB, 0xCD]).Should().BeFalse("no such extension");

        header.TryGetExtension(packet, 3, out var value).Should().BeTrue();
        TransportWideSequenceExtension.TryRead(value, out var sequence).Should().BeTrue();
        sequence.Should().Be(0xABCD);
    }

    [Test]
    public void Short_packets_are_refused()
    {
        for (var length = 0; length < RtpHeader.FixedSize; length++)
        {
            RtpHeaderRewriter.TryRewrite(new byte[length], 1, 2, 3).Should().BeFalse();
            RtpHeaderRewriter.TrySetPayloadType(new byte[length], 1, false).Should().BeFalse();
        }
    }
}
