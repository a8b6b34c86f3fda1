using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// Issue 11: the subscriber sees one continuous VP8 picture id / TL0PICIDX sequence across simulcast
// switches, whatever numbering each layer's encoder uses.
public sealed class Vp8PictureIdRewriterTests
{
    // RFC 7741 descriptor: X=1, S=1 on the first packet of a frame; I (15-bit M), L, T present; then a
    // payload byte (P=0 on a keyframe).
    private static byte[] Packet(int pictureId, int tl0, int tid, bool keyFrame, bool sevenBit = false)
    {
        var bytes = new List<byte> { 0x90, 0xE0 };
        if (sevenBit)
            bytes.Add((byte)(pictureId & 0x7F));
        else
        {
            bytes.Add((byte)(0x80 | ((pictureId >> 8) & 0x7F)));
            bytes.Add((byte)pictureId);
        }
        bytes.Add((byte)tl0);
        bytes.Add((byte)(tid << 6));
        bytes.Add((byte)(keyFrame ? 0x00 : 0x01));
        return [.. bytes];
    }

    private static (int PictureId, int Tl0) Forward(Vp8PictureIdRewriter rewriter, byte[] payload)
    {
        Vp8PayloadDescriptor.TryParse(payload, out var descriptor).Should().BeTrue();
        rewriter.Map(descriptor, out var pictureId, out var tl0);
        descriptor.TryRewrite(payload, pictureId, tl0).Should().BeTrue();
        Vp8PayloadDescriptor.TryParse(payload, out var written).Should().BeTrue();
        return (written.PictureId, written.Tl0PicIdx);
    }

    [Test]
    public void Picture_ids_and_tl0picidx_continue_across_switches_up_and_down()
    {
        var rewriter = new Vp8PictureIdRewriter();
        var seen = new List<(int PictureId, int Tl0)>();
        // 180p layer numbering from 100 / tl0 7, then 720p from 30000 / tl0 250 (wrapping), then back to 180p.
        for (var i = 0; i < 10; i++)
            seen.Add(Forward(rewriter, Packet(100 + i, 7 + i / 2, i % 2 == 0 ? 0 : 1, i == 0)));
        rewriter.OnSwitch();
        for (var i = 0; i < 10; i++)
            seen.Add(Forward(rewriter, Packet((30000 + i) & 0x7FFF, (250 + i / 2) & 0xFF, i % 2 == 0 ? 0 : 1, i == 0)));
        rewriter.OnSwitch();
        for (var i = 0; i < 10; i++)
            seen.Add(Forward(rewriter, Packet(120 + i, 20 + i / 2, i % 2 == 0 ? 0 : 1, i == 0)));

        var pictureIds = seen.Select(s => s.PictureId).ToList();
        pictureIds.Should().Equal(Enumerable.Range(100, 30), "one picture id more per frame, through both switches");
        var tl0 = seen.Select(s => s.Tl0).ToList();
        tl0.Zip(tl0.Skip(1), (a, b) => (b - a) & 0xFF).Should().OnlyContain(step => step == 0 || step == 1, "TL0PICIDX never jumps");
    }

    [Test]
    public void Packets_of_one_frame_share_the_rewritten_picture_id_and_the_picture_id_wraps_at_15_bits()
    {
        var rewriter = new Vp8PictureIdRewriter();
        Forward(rewriter, Packet(0x7FFE, 0, 0, true));
        rewriter.OnSwitch();
        Forward(rewriter, Packet(5, 9, 0, true)).PictureId.Should().Be(0x7FFF);
        Forward(rewriter, Packet(5, 9, 0, false)).PictureId.Should().Be(0x7FFF, "a frame's second packet keeps its picture id");
        Forward(rewriter, Packet(6, 10, 0, false)).Should().Be((0, 2));
        rewriter.LastPictureId.Should().Be(0);
    }

    [Test]
    public void A_late_packet_from_before_does_not_move_the_last_picture_id_back()
    {
        var rewriter = new Vp8PictureIdRewriter();
        Forward(rewriter, Packet(10, 1, 0, true));
        Forward(rewriter, Packet(12, 2, 0, false));
        Forward(rewriter, Packet(11, 1, 1, false)).PictureId.Should().Be(11, "reordered, still mapped");
        rewriter.LastPictureId.Should().Be(12);
        rewriter.OnSwitch();
        Forward(rewriter, Packet(500, 40, 0, true)).Should().Be((13, 3), "the switch continues after the newest sent");
    }

    [Test]
    public void Seven_bit_picture_ids_are_written_modulo_128()
    {
        var rewriter = new Vp8PictureIdRewriter();
        Forward(rewriter, Packet(126, 0, 0, true, sevenBit: true));
        Forward(rewriter, Packet(127, 0, 0, false, sevenBit: true)).PictureId.Should().Be(127);
        Forward(rewriter, Packet(0, 1, 0, false, sevenBit: true)).PictureId.Should().Be(0);
    }

    [Test]
    public void Dropped_pictures_leave_no_gap_and_a_late_packet_of_an_earlier_picture_keeps_its_id()
    {
        var rewriter = new Vp8PictureIdRewriter();
        var seen = new List<int>();
        seen.Add(Forward(rewriter, Packet(32_760, 3, 0, true)).PictureId);
        // TID 0-2-1-2 with TL2 dropped, across the 15-bit wrap.
        for (var i = 1; i < 12; i++)
        {
            var pictureId = (32_760 + i) & 0x7FFF;
            var tid = (i % 4) switch { 0 => 0, 2 => 1, _ => 2 };
            var payload = Packet(pictureId, 3 + i / 4, tid, false);
            Vp8PayloadDescriptor.TryParse(payload, out var descriptor).Should().BeTrue();
            if (tid == 2)
                rewriter.Drop(descriptor);
            else
                seen.Add(Forward(rewriter, payload).PictureId);
        }
        seen.Should().Equal(32_760, 32_761, 32_762, 32_763, 32_764, 32_765);
        Forward(rewriter, Packet(32_762 & 0x7FFF, 3, 1, false)).PictureId.Should().Be(32_761, "a second packet of picture 32762, reordered behind later drops");
        rewriter.OnSwitch();
        Forward(rewriter, Packet(9, 100, 0, true)).PictureId.Should().Be(32_766, "a switch continues after the newest sent");
    }
}
