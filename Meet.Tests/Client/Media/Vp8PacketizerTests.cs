using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Client.Media;

[TestFixture]
public sealed class Vp8PacketizerTests
{
    [TestCase(1)]
    [TestCase(1099)]
    [TestCase(1100)]
    [TestCase(5000)]
    public void Payloads_reassemble_to_the_frame_and_only_the_first_starts_it(int frameLength)
    {
        var frame = new byte[frameLength];
        new Random(frameLength).NextBytes(frame);
        if (frameLength > 0)
            frame[0] &= 0xFE;
        var count = Vp8Packetizer.GetPacketCount(frameLength, 1100);
        var reassembled = new List<byte>();
        var buffer = new byte[1100];
        for (var i = 0; i < count; i++)
        {
            var length = Vp8Packetizer.WritePayload(frame, i, 1100, buffer);
            length.Should().BeGreaterThan(0);
            Vp8PayloadDescriptor.TryParse(buffer.AsSpan(0, length), out var descriptor).Should().BeTrue();
            descriptor.StartsFrame.Should().Be(i == 0);
            reassembled.AddRange(buffer.AsSpan(descriptor.Length, length - descriptor.Length).ToArray());
        }
        reassembled.Should().Equal(frame);
        Vp8Packetizer.WritePayload(frame, count, 1100, buffer).Should().Be(0);
    }

    [Test]
    public void First_payload_of_a_keyframe_is_recognised_as_a_keyframe()
    {
        byte[] frame = [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a];
        var buffer = new byte[100];
        var length = Vp8Packetizer.WritePayload(frame, 0, 1100, buffer);
        Vp8PayloadDescriptor.TryParse(buffer.AsSpan(0, length), out var descriptor).Should().BeTrue();
        descriptor.IsKeyFrame.Should().BeTrue();
    }
}
