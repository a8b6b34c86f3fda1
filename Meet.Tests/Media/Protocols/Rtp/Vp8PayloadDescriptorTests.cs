using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class Vp8PayloadDescriptorTests
{
    // First packet of a Chrome simulcast key frame:
    //   90          X=1 S=1 PID=0
    //   e0          I=1 L=1 T=1 K=0
    //   8123        M=1, 15-bit picture id 0x0123
    //   2a          TL0PICIDX 42
    //   20          TID=0 Y=1
    //   100200      VP8 frame tag: P bit (LSB of the first byte) clear = key frame
    //   9d012a      key frame start code (RFC 6386 §9.1)
    private static readonly byte[] ChromeKeyFrame = Convert.FromHexString("90e081232a20" + "100200" + "9d012a");

    // A delta frame on temporal layer 1 with a 7-bit picture id and no TL0PICIDX:
    //   90 a0 05 40  then payload header 0x31 (P=1)
    private static readonly byte[] DeltaFrame = Convert.FromHexString("90a00540" + "31");

    [Test]
    public void Key_frame_descriptor_is_read()
    {
        Vp8PayloadDescriptor.TryParse(ChromeKeyFrame, out var descriptor).Should().BeTrue();

        descriptor.StartsFrame.Should().BeTrue();
        descriptor.PictureId.Should().Be(0x0123);
        descriptor.PictureIdIs15Bit.Should().BeTrue();
        descriptor.Tl0PicIdx.Should().Be(42);
        descriptor.TemporalLayerId.Should().Be(0);
        descriptor.LayerSync.Should().BeTrue();
        descriptor.KeyIndex.Should().Be(-1);
        descriptor.Length.Should().Be(6);
        descriptor.IsKeyFrame.Should().BeTrue();
    }

    [Test]
    public void Delta_frame_is_not_a_key_frame()
    {
        Vp8PayloadDescriptor.TryParse(DeltaFrame, out var descriptor).Should().BeTrue();

        descriptor.PictureId.Should().Be(5);
        descriptor.PictureIdIs15Bit.Should().BeFalse();
        descriptor.Tl0PicIdx.Should().Be(-1);
        descriptor.TemporalLayerId.Should().Be(1);
        descriptor.IsKeyFrame.Should().BeFalse();
    }

    [Test]
    public void Continuation_packet_of_a_key_frame_is_not_a_key_frame_start()
    {
        var continuation = (byte[])ChromeKeyFrame.Clone();
        continuation[0] = 0x80; // S=0

        Vp8PayloadDescriptor.TryParse(continuation, out var descriptor).Should().BeTrue();

        descriptor.IsKeyFrame.Should().BeFalse();
    }

    [Test]
    public void Minimal_descriptor_without_extensions_is_read()
    {
        Vp8PayloadDescriptor.TryParse([0x10, 0x9c], out var descriptor).Should().BeTrue();

        descriptor.PictureId.Should().Be(-1);
        descriptor.Length.Should().Be(1);
        descriptor.IsKeyFrame.Should().BeTrue();
    }

    [Test]
    public void Picture_id_and_tl0picidx_are_rewritten_in_place()
    {
        var packet = (byte[])ChromeKeyFrame.Clone();
        Vp8PayloadDescriptor.TryParse(packet, out var descriptor).Should().BeTrue();

        descriptor.TryRewrite(packet, 0x7ABC, 200).Should().BeTrue();

        Vp8PayloadDescriptor.TryParse(packet, out var rewritten).Should().BeTrue();
        rewritten.PictureId.Should().Be(0x7ABC);
        rewritten.Tl0PicIdx.Should().Be(200);
        rewritten.IsKeyFrame.Should().BeTrue();
    }

    [Test]
    public void Truncated_descriptor_at_every_length_is_rejected()
    {
        foreach (var packet in new[] { ChromeKeyFrame, DeltaFrame })
        {
            Vp8PayloadDescriptor.TryParse(packet, out var full).Should().BeTrue();
            for (var length = 0; length <= full.Length; length++)
                Vp8PayloadDescriptor.TryParse(packet.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
        }
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        if (Vp8PayloadDescriptor.TryParse(bytes, out var descriptor))
        {
            descriptor.Length.Should().BeLessThan(bytes.Length);
            descriptor.TryRewrite(bytes, 1, 1);
        }
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
