using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class TransportWideSequenceExtensionTests
{
    [Test]
    public void Chrome_value_reads_big_endian()
    {
        TransportWideSequenceExtension.TryRead([0x01, 0x02], out var sequence).Should().BeTrue();

        sequence.Should().Be(258);
    }

    [Test]
    public void Values_round_trip() => Prop.ForAll<ushort>(value =>
    {
        var buffer = new byte[TransportWideSequenceExtension.Size];
        TransportWideSequenceExtension.TryWrite(value, buffer, out var written).Should().BeTrue();
        TransportWideSequenceExtension.TryRead(buffer.AsSpan(0, written), out var read).Should().BeTrue();
        read.Should().Be(value);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_value_at_every_length_is_refused()
    {
        for (var length = 0; length < TransportWideSequenceExtension.Size; length++)
        {
            TransportWideSequenceExtension.TryRead(new byte[length], out _).Should().BeFalse();
            TransportWideSequenceExtension.TryWrite(1, new byte[length], out _).Should().BeFalse();
        }
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
        TransportWideSequenceExtension.TryRead(bytes, out _).Should().Be(bytes.Length >= 2))
        .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}
