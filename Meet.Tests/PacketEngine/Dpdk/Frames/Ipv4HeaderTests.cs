using FsCheck;
using FsCheck.Fluent;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class Ipv4HeaderTests
{
    // The example header with checksum b861 (192.168.0.1 → 192.168.0.199, UDP, 115 bytes), then 95 bytes of body.
    private static readonly byte[] Captured =
    [
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61,
        0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7, .. new byte[95],
    ];

    [Test]
    public void Captured_header_parses_and_its_checksum_verifies()
    {
        Ipv4Header.TryParse(Captured, out var ip).Should().BeTrue();
        ip.HeaderLength.Should().Be(20);
        ip.TotalLength.Should().Be(115);
        ip.Protocol.Should().Be(Ipv4Header.ProtocolUdp);
        ip.Source.Should().Be(0xC0A80001);
        ip.Destination.Should().Be(0xC0A800C7);
        ip.IsFragment.Should().BeFalse("DF alone is not a fragment");
        Ipv4Header.HasValidChecksum(Captured.AsSpan(0, 20)).Should().BeTrue();
    }

    [Test]
    public void Round_trips_with_the_checksum_written()
    {
        Ipv4Header.TryParse(Captured, out var ip);
        var bytes = new byte[ip.GetSerializedSize()];
        ip.TryWrite(bytes, out var written).Should().BeTrue();
        written.Should().Be(20);
        bytes.Should().Equal(Captured[..20]);
    }

    [Test]
    public void Any_flipped_bit_fails_the_checksum()
    {
        for (var bit = 0; bit < 160; bit++)
        {
            var bytes = Captured[..20];
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Ipv4Header.HasValidChecksum(bytes).Should().BeFalse($"bit {bit}");
        }
    }

    [Test]
    public void Truncated_at_every_length_is_refused()
    {
        for (var length = 0; length < Captured.Length; length++)
            Ipv4Header.TryParse(Captured.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
    }

    [Test]
    public void Options_are_skipped_by_header_length()
    {
        var bytes = Captured.ToArray();
        bytes[0] = 0x46;
        Ipv4Header.TryParse(bytes, out var ip).Should().BeTrue();
        ip.HeaderLength.Should().Be(24);
    }

    [TestCase(0x44, TestName = "Header_length_below_20_is_refused")]
    [TestCase(0x65, TestName = "Version_6_is_refused")]
    [TestCase(0x4F, TestName = "Header_length_beyond_total_length_is_refused")]
    public void Bad_first_byte_is_refused(byte first)
    {
        var bytes = Captured[..60];
        bytes[0] = first;
        bytes[3] = 40; // total length 40 fits the buffer, but not a 60-byte header
        Ipv4Header.TryParse(bytes, out _).Should().BeFalse();
    }

    [TestCase((ushort)0x2000, true, TestName = "More_fragments_flag_is_a_fragment")]
    [TestCase((ushort)0x0001, true, TestName = "Non_zero_offset_is_a_fragment")]
    [TestCase((ushort)0x4000, false, TestName = "Dont_fragment_is_not_a_fragment")]
    public void Fragment_detection(ushort flagsAndOffset, bool isFragment)
    {
        var ip = new Ipv4Header(20, 0, 20, 0, flagsAndOffset, 64, 17, 1, 2);
        ip.IsFragment.Should().Be(isFragment);
    }

    [Test]
    public void Random_bytes_never_throw() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            if (Ipv4Header.TryParse(bytes, out var ip))
                Ipv4Header.HasValidChecksum(bytes.AsSpan(0, ip.HeaderLength));
            return true;
        }).QuickCheckThrowOnFailure();
}
