using FsCheck;
using FsCheck.Fluent;
using System.Buffers.Binary;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class UdpHeaderTests
{
    private const uint Source = 0x0A630002;
    private const uint Destination = 0x0A630001;

    private static byte[] Datagram(byte[] payload)
    {
        var header = new UdpHeader(40000, 5004, (ushort)(8 + payload.Length), 0);
        header = header with { Checksum = header.ComputeChecksum(payload, Source, Destination) };
        var bytes = new byte[8 + payload.Length];
        header.TryWrite(bytes, out _);
        payload.CopyTo(bytes, 8);
        return bytes;
    }

    [Test]
    public void Round_trips()
    {
        var bytes = Datagram([1, 2, 3]);
        UdpHeader.TryParse(bytes, out var udp).Should().BeTrue();
        udp.SourcePort.Should().Be(40000);
        udp.DestinationPort.Should().Be(5004);
        udp.Length.Should().Be(11);
        var rewritten = new byte[8];
        udp.TryWrite(rewritten, out var written).Should().BeTrue();
        written.Should().Be(8);
        rewritten.Should().Equal(bytes[..8]);
    }

    [Test]
    public void Checksum_matches_the_reference_over_the_pseudo_header()
    {
        var payload = Enumerable.Range(0, 1201).Select(i => (byte)(i * 13)).ToArray();
        var bytes = Datagram(payload);
        byte[] pseudo = [10, 99, 0, 2, 10, 99, 0, 1, 0, 17, (byte)(bytes.Length >> 8), (byte)bytes.Length];
        var zeroed = bytes.ToArray();
        zeroed[6] = zeroed[7] = 0;
        BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(6)).Should().Be(ReferenceChecksum.Compute(pseudo, zeroed));
        UdpHeader.HasValidChecksum(bytes, Source, Destination).Should().BeTrue();
    }

    [Test]
    public void A_corrupted_payload_or_address_fails_the_checksum()
    {
        var bytes = Datagram([1, 2, 3, 4]);
        UdpHeader.HasValidChecksum(bytes, Source, Destination + 1).Should().BeFalse();
        bytes[^1] ^= 1;
        UdpHeader.HasValidChecksum(bytes, Source, Destination).Should().BeFalse();
    }

    [Test]
    public void Zero_checksum_means_none_and_is_accepted()
    {
        var bytes = Datagram([9, 9]);
        bytes[6] = bytes[7] = 0;
        UdpHeader.HasValidChecksum(bytes, Source, Destination).Should().BeTrue();
    }

    [Test]
    public void A_computed_checksum_of_zero_is_sent_as_all_ones()
    {
        // Search a 2-byte payload whose sum makes the checksum 0: RFC 768 sends it as 0xFFFF.
        for (var value = 0; value <= 0xFFFF; value++)
        {
            byte[] payload = [(byte)(value >> 8), (byte)value];
            var header = new UdpHeader(1, 2, 10, 0);
            byte[] pseudo = [10, 99, 0, 2, 10, 99, 0, 1, 0, 17, 0, 10];
            byte[] headerBytes = [0, 1, 0, 2, 0, 10, 0, 0];
            if (ReferenceChecksum.Compute(pseudo, headerBytes, payload) != 0)
                continue;
            header.ComputeChecksum(payload, Source, Destination).Should().Be(0xFFFF);
            return;
        }
        Assert.Fail("no payload with a zero checksum found");
    }

    [Test]
    public void Truncated_at_every_length_is_refused()
    {
        var bytes = Datagram([1, 2, 3]);
        for (var length = 0; length < bytes.Length; length++)
            UdpHeader.TryParse(bytes.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
    }

    [Test]
    public void Length_below_the_header_is_refused()
    {
        var bytes = Datagram([1, 2, 3]);
        bytes[5] = 7;
        UdpHeader.TryParse(bytes, out _).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_never_throw() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            if (UdpHeader.TryParse(bytes, out var udp))
                UdpHeader.HasValidChecksum(bytes.AsSpan(0, udp.Length), Source, Destination);
            return true;
        }).QuickCheckThrowOnFailure();
}
