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
        cache.Store(7, Packet(7, 1200), 0);
        cache.Store(8, Packet(8, 80), 0);

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

        cache.Store(0, Packet(0, 100), 0);
        cache.IsAllocated.Should().BeTrue();
    }

    [Test]
    public void A_sequence_number_whose_index_slot_was_reused_is_not_found()
    {
        var cache = new RtpPacketCache();
        cache.Store(1, Packet(1, 100), 0);
        cache.Store(1 + RtpPacketCache.IndexSlots, Packet(1 + RtpPacketCache.IndexSlots, 100), 0);

        Read(cache, 1).Should().BeNull();
        Read(cache, 1 + RtpPacketCache.IndexSlots).Should().Equal(Packet(1 + RtpPacketCache.IndexSlots, 100));
    }

    [Test]
    public void Packets_the_ring_wrote_over_are_not_found_and_the_newest_ring_full_is()
    {
        var cache = new RtpPacketCache();
        const int size = 1200;
        // More bytes than the ring holds, in fewer packets than the index has slots.
        var count = RtpPacketCache.MaxRingBytes / size + 20;
        count.Should().BeLessThan(RtpPacketCache.IndexSlots);
        for (var s = 0; s < count; s++)
            cache.Store((ushort)s, Packet(s, size), 0);

        Read(cache, 0).Should().BeNull();
        Read(cache, 19).Should().BeNull();
        // Everything younger than one ring's worth of bytes, across the wrap, is intact.
        var intact = RtpPacketCache.MaxRingBytes / size - 1;
        for (var s = count - intact; s < count; s++)
            Read(cache, s).Should().Equal(Packet(s, size), $"packet {s} is within the last {RtpPacketCache.MaxRingBytes} bytes");
        cache.RingBytes.Should().Be(RtpPacketCache.MaxRingBytes, "a ring filled at once grows to its maximum and no further");
    }

    [Test]
    public void Sequence_numbers_wrapping_at_65536_keep_working()
    {
        var cache = new RtpPacketCache();
        for (var s = 65_500; s < 65_600; s++)
            cache.Store((ushort)s, Packet(s & 0xFFFF, 300), 0);

        Read(cache, 65_535).Should().Equal(Packet(65_535, 300));
        Read(cache, 10).Should().Equal(Packet(10, 300));
    }

    [Test]
    public void A_packet_larger_than_the_maximum_is_not_stored_and_a_short_destination_gets_nothing()
    {
        var cache = new RtpPacketCache();
        cache.Store(3, Packet(3, RtpPacketCache.MaxPacketSize + 1), 0);
        Read(cache, 3).Should().BeNull();

        cache.Store(4, Packet(4, 500), 0);
        cache.TryCopy(4, new byte[499], out var length).Should().BeFalse();
        length.Should().Be(0);
    }

    [Test]
    public void A_low_bitrate_layer_keeps_the_initial_ring()
    {
        var cache = new RtpPacketCache();
        // 1,000-byte packets, 10 a second: one lap of the initial ring takes 1.6 s.
        var interval = RtpPacketCache.RetainTicks / 10;
        for (var s = 0; s < 100; s++)
            cache.Store((ushort)s, Packet(s, 1000), s * interval);

        cache.RingBytes.Should().Be(RtpPacketCache.InitialRingBytes);
        Read(cache, 99).Should().Equal(Packet(99, 1000));
        Read(cache, 99 - RtpPacketCache.InitialRingBytes / 1000).Should().BeNull("the ring wrote over it");
    }

    [Test]
    public void A_high_bitrate_layer_grows_until_the_ring_holds_a_second_and_keeps_its_packets_across_growth()
    {
        var cache = new RtpPacketCache();
        // 1,200-byte packets, 100 a second (960 kbps): a second is 120,000 bytes, so 128 KiB.
        var interval = RtpPacketCache.RetainTicks / 100;
        const int count = 400;
        for (var s = 0; s < count; s++)
        {
            cache.Store((ushort)s, Packet(s, 1200), s * interval);
            // Everything of the last 200 ms is always there, also right after the ring grew.
            for (var back = 0; back < Math.Min(s + 1, 20); back++)
                Read(cache, s - back).Should().Equal(Packet(s - back, 1200));
        }

        cache.RingBytes.Should().Be(128 * 1024);
        for (var s = count - 100; s < count; s++)
            Read(cache, s).Should().Equal(Packet(s, 1200), "the last second is kept");
    }
}
