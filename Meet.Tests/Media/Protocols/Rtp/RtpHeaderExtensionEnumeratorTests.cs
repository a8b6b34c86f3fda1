using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class RtpHeaderExtensionEnumeratorTests
{
    private static List<(int Id, string Hex)> Read(string packetHex)
    {
        var packet = Convert.FromHexString(packetHex);
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        var result = new List<(int, string)>();
        var elements = header.GetExtensions(packet);
        while (elements.MoveNext())
            result.Add((elements.CurrentId, Convert.ToHexString(elements.CurrentValue)));
        return result;
    }

    [Test]
    public void One_byte_form_skips_padding_and_stops_at_id_15()
    {
        // RFC 8285 §4.2: 0x00 bytes are padding anywhere; ID 15 ends processing.
        var elements = Read("906f000100000001000000aa" + "bede0002" + "00" + "10aa" + "00" + "f0" + "2011" + "00");

        elements.Should().Equal((1, "AA"));
    }

    [Test]
    public void Two_byte_form_reads_zero_length_and_large_ids()
    {
        // RFC 8285 §4.3 example shape: profile 0x1000, id/len pairs, padding 0.
        var elements = Read("906f000100000001000000aa" + "10000002" + "0100" + "c803616263" + "00");

        elements.Should().Equal((1, ""), (200, "616263"));
    }

    [Test]
    public void Element_overrunning_the_block_ends_the_walk()
    {
        var elements = Read("906f000100000001000000aa" + "bede0001" + "10aa" + "3f00");

        elements.Should().Equal((1, "AA"));
    }

    [Test]
    public void Unknown_profile_yields_no_elements()
    {
        Read("906f000100000001000000aa" + "abcd0001" + "10aa0000").Should().BeEmpty();
    }

    [Test]
    public void Random_blocks_never_throw_and_values_stay_inside_the_block() => Prop.ForAll<byte[], bool>((block, twoByte) =>
    {
        var words = block.Length / 4;
        var packet = new byte[12 + 4 + words * 4];
        packet[0] = 0x90;
        packet[12] = twoByte ? (byte)0x10 : (byte)0xBE;
        packet[13] = twoByte ? (byte)0x00 : (byte)0xDE;
        packet[15] = (byte)words;
        block.AsSpan(0, words * 4).CopyTo(packet.AsSpan(16));
        if (words > 255)
            return;
        RtpHeader.TryParse(packet, out var header).Should().BeTrue();
        var elements = header.GetExtensions(packet);
        while (elements.MoveNext())
            (elements.CurrentValueOffset + elements.CurrentValue.Length).Should().BeLessThanOrEqualTo(words * 4);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
