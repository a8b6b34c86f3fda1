using FsCheck;
using FsCheck.Fluent;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class EthernetHeaderTests
{
    private static readonly EthernetHeader Sample = new(new MacAddress(0x02_00_00_00_00_01), new MacAddress(0x02_00_00_00_00_02), EthernetHeader.EtherTypeIPv4);

    [Test]
    public void Round_trips()
    {
        var bytes = new byte[Sample.GetSerializedSize()];
        Sample.TryWrite(bytes, out var written).Should().BeTrue();
        written.Should().Be(14);
        bytes.Should().Equal(0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00);
        EthernetHeader.TryParse(bytes, out var parsed).Should().BeTrue();
        parsed.Should().Be(Sample);
    }

    [Test]
    public void Truncated_at_every_length_is_refused()
    {
        var bytes = new byte[14];
        Sample.TryWrite(bytes, out _);
        for (var length = 0; length < bytes.Length; length++)
            EthernetHeader.TryParse(bytes.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
    }

    [Test]
    public void Writing_into_a_short_buffer_fails_without_writing()
    {
        var bytes = new byte[13];
        Sample.TryWrite(bytes, out var written).Should().BeFalse();
        written.Should().Be(0);
        bytes.Should().OnlyContain(b => b == 0);
    }

    [Test]
    public void Random_bytes_never_throw() =>
        Prop.ForAll<byte[]>(bytes =>
            EthernetHeader.TryParse(bytes, out _) == (bytes.Length >= 14)).QuickCheckThrowOnFailure();
}
