using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class SdesValueExtensionTests
{
    [TestCase("0")]
    [TestCase("q")]
    [TestCase("video-1_a")]
    public void Mid_and_rid_values_round_trip(string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        var buffer = new byte[SdesValueExtension.GetSerializedSize(bytes)];

        SdesValueExtension.TryWrite(bytes, buffer, out var written).Should().BeTrue();
        SdesValueExtension.TryRead(buffer.AsSpan(0, written), out var read).Should().BeTrue();

        System.Text.Encoding.ASCII.GetString(read).Should().Be(text);
    }

    [Test]
    public void Trailing_nul_padding_is_not_part_of_the_value()
    {
        SdesValueExtension.TryRead("h\0\0"u8, out var read).Should().BeTrue();

        read.SequenceEqual("h"u8).Should().BeTrue();
    }

    [Test]
    public void Empty_value_is_rejected()
    {
        SdesValueExtension.TryRead([], out _).Should().BeFalse();
        SdesValueExtension.TryRead([0], out _).Should().BeFalse();
        SdesValueExtension.TryWrite([], new byte[4], out _).Should().BeFalse();
        SdesValueExtension.TryWrite("abc"u8, new byte[2], out _).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        if (SdesValueExtension.TryRead(bytes, out var text))
            text.Length.Should().BeLessThanOrEqualTo(bytes.Length);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
}
