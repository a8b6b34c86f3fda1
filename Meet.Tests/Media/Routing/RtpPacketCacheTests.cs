using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// The retransmission cache of one producer layer (issue 14: a byte ring instead of a 1,500-byte slot
// per packet).
[TestFixture]
public sealed class RtpPacketCacheTests
{
    private static byte[] Packet(int sequence, int length)
    {
        var packet = new byte[length];
        for (var i = 0; i < length; i++)
            packet[i] = (byte)(sequence * 31 + i);
        return packet;
    }

    private static byte[]? Read(RtpPacketCache cache, int sequence)
    {
        var destination = new byte[RtpPacketCache.MaxPacketSize];
        return cache.TryCopy((ushort)sequence, destination, out var length) ? destination[..length] : null;
    }

    [Test]
    public void A_stored_packet_is_copied_back_byte_for_byte()
    {
        var cache = new RtpPacketCache();
        cache.Store(7, Packet(7, 1200));
        cache.Store(8, Packet(8, 80));

        Read(cache, 7).Should().Equal(Packet(7, 1200));
        Read(cache, 8).Should().Equal(Packet(8, 80));
        Read(cache, 9).Should().BeNull();
    }

    [Test]
    public void Nothing_is_allocated_before_the_layers_first_packet()
    {
        var cache = new RtpPacketCache();
        cache.IsAllocated.Should().BeFalse();
        Read(cache, 0).Should().BeNull();

        cache.Store(0, Packet(0, 100));
        cache.IsAllocated.Should().BeTrue();
    }

    [Test]
    public void A_sequence_number_whose_index_slot_was_reused_is_not_found()
    {
        var cache = new RtpPacketCache();
        cache.Store(1, Packet(1, 100));
        cache.Store(1 + RtpPacketCache.IndexSlots, Packet(1 + RtpPacketCache.IndexSlots, 100));

        Read(cache, 1).Should().BeNull();
        Read(cache, 1 + RtpPacketCache.IndexSlots).Should().Equal(Packet(1 + RtpPacketCache.IndexSlots, 100));
    }

    [Test]
    public void Packets_the_ring_wrote_over_are_not_found_and_the_newest_ring_full_is()
    {
        var cache = new RtpPacketCache();
        const int size = 1200;
        // More bytes than the ring holds, in fewer packets than the index has slots.
        var count = RtpPacketCache.RingBytes / size + 20;
        count.Should().BeLessThan(RtpPacketCache.IndexSlots);
        for (var s = 0; s < count; s++)
            cache.Store((ushort)s, Packet(s, size));

        Read(cache, 0).Should().BeNull();
        Read(cache, 19).Should().BeNull();
        // Everything younger than one ring's worth of bytes, across the wrap, is intact.
        var intact = RtpPacketCache.RingBytes / size - 1;
        for (var s = count - intact; s < count; s++)
            Read(cache, s).Should().Equal(Packet(s, size), $"packet {s} is within the last {RtpPacketCache.RingBytes} bytes");
    }

    [Test]
    public void Sequence_numbers_wrapping_at_65536_keep_working()
    {
        var cache = new RtpPacketCache();
        for (var s = 65_500; s < 65_600; s++)
            cache.Store((ushort)s, Packet(s & 0xFFFF, 300));

        Read(cache, 65_535).Should().Equal(Packet(65_535, 300));
        Read(cache, 10).Should().Equal(Packet(10, 300));
    }

    [Test]
    public void A_packet_larger_than_the_maximum_is_not_stored_and_a_short_destination_gets_nothing()
    {
        var cache = new RtpPacketCache();
        cache.Store(3, Packet(3, RtpPacketCache.MaxPacketSize + 1));
        Read(cache, 3).Should().BeNull();

        cache.Store(4, Packet(4, 500));
        cache.TryCopy(4, new byte[499], out var length).Should().BeFalse();
        length.Should().Be(0);
    }
}
