using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Tests.Media.Bandwidth;

[TestFixture]
public sealed class TransportFeedbackGeneratorTests
{
    private static List<(ushort Sequence, RtcpPacketStatus Status, long Arrival)> Read(ReadOnlySpan<byte> packet)
    {
        RtcpTransportFeedback.TryParse(packet, out var feedback).Should().BeTrue();
        var result = new List<(ushort, RtcpPacketStatus, long)>();
        var e = feedback.GetEnumerator();
        while (e.MoveNext())
            result.Add((e.CurrentSequenceNumber, e.CurrentStatus, e.CurrentArrivalMicroseconds));
        return result;
    }

    [Test]
    public void Arrivals_are_reported_once_with_gaps_as_not_received()
    {
        var generator = new TransportFeedbackGenerator();
        generator.OnPacket(100, 5, 1_000_000);
        generator.OnPacket(101, 5, 1_005_000);
        generator.OnPacket(103, 5, 1_010_000);
        var buffer = new byte[TransportFeedbackGenerator.MaxFeedbackSize];

        var written = generator.WriteFeedback(1, buffer);

        var entries = Read(buffer.AsSpan(0, written));
        entries.Select(e => e.Sequence).Should().Equal(100, 101, 102, 103);
        entries[2].Status.Should().Be(RtcpPacketStatus.NotReceived);
        (entries[1].Arrival - entries[0].Arrival).Should().Be(5_000);
        (entries[3].Arrival - entries[1].Arrival).Should().Be(5_000);
        generator.WriteFeedback(1, buffer).Should().Be(0, "nothing new arrived");
    }

    [Test]
    public void Sequence_numbers_wrap_and_a_late_packet_is_counted_not_reported_again()
    {
        var generator = new TransportFeedbackGenerator();
        var buffer = new byte[TransportFeedbackGenerator.MaxFeedbackSize];
        generator.OnPacket(65534, 5, 0);
        generator.OnPacket(65535, 5, 1000);
        generator.WriteFeedback(1, buffer).Should().BeGreaterThan(0);
        generator.OnPacket(0, 5, 2000);
        generator.OnPacket(65533, 5, 2500);
        var written = generator.WriteFeedback(1, buffer);
        Read(buffer.AsSpan(0, written)).Select(e => e.Sequence).Should().Equal((ushort)0);
        generator.LatePackets.Should().Be(1);
    }

    [Test]
    public void A_burst_larger_than_one_packet_is_split_and_each_feedback_counts_up()
    {
        var generator = new TransportFeedbackGenerator();
        var buffer = new byte[TransportFeedbackGenerator.MaxFeedbackSize];
        for (var i = 0; i < 1000; i++)
            generator.OnPacket((ushort)i, 5, i * 100L);
        var sequences = new List<ushort>();
        var counts = new List<byte>();
        int written;
        while ((written = generator.WriteFeedback(1, buffer)) > 0)
        {
            written.Should().BeLessThanOrEqualTo(TransportFeedbackGenerator.MaxFeedbackSize);
            RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out var f).Should().BeTrue();
            counts.Add(f.FeedbackPacketCount);
            sequences.AddRange(Read(buffer.AsSpan(0, written)).Select(e => e.Sequence));
        }
        sequences.Should().Equal(Enumerable.Range(0, 1000).Select(i => (ushort)i));
        counts.Should().Equal(0, 1, 2);
    }

    [Test]
    public void Random_sequence_numbers_and_times_never_throw_and_always_write_parsable_feedback()
    {
        var random = new Random(11);
        var generator = new TransportFeedbackGenerator();
        var buffer = new byte[TransportFeedbackGenerator.MaxFeedbackSize];
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 50; i++)
                generator.OnPacket((ushort)random.Next(65536), (uint)random.Next(), random.NextInt64(-1L << 40, 1L << 40));
            int written;
            while ((written = generator.WriteFeedback(1, buffer)) > 0)
                RtcpTransportFeedback.TryParse(buffer.AsSpan(0, written), out _).Should().BeTrue();
        }
    }

    [Test]
    public void A_transport_that_never_receives_a_packet_allocates_no_ring()
    {
        var generator = new TransportFeedbackGenerator();
        generator.WriteFeedback(1, new byte[TransportFeedbackGenerator.MaxFeedbackSize]).Should().Be(0);
        generator.Capacity.Should().Be(0);
    }

    [Test]
    public void A_stream_reported_every_interval_keeps_the_initial_ring_and_a_burst_grows_it_without_losing_arrivals()
    {
        var generator = new TransportFeedbackGenerator();
        var buffer = new byte[TransportFeedbackGenerator.MaxFeedbackSize];
        var sequence = 0;
        for (var interval = 0; interval < 100; interval++)
        {
            for (var i = 0; i < 30; i++, sequence++)
                generator.OnPacket((ushort)sequence, 5, sequence * 1000L);
            while (generator.WriteFeedback(1, buffer) > 0)
            {
            }
        }
        generator.Capacity.Should().Be(TransportFeedbackGenerator.InitialCapacity);

        // A stall: three initial rings' worth arrive before the next report.
        var burstStart = sequence;
        for (var i = 0; i < 3 * TransportFeedbackGenerator.InitialCapacity; i++, sequence++)
            generator.OnPacket((ushort)sequence, 5, sequence * 1000L);
        var reported = new List<ushort>();
        int written;
        while ((written = generator.WriteFeedback(1, buffer)) > 0)
            reported.AddRange(Read(buffer.AsSpan(0, written)).Where(e => e.Status != RtcpPacketStatus.NotReceived).Select(e => e.Sequence));

        generator.Capacity.Should().Be(4 * TransportFeedbackGenerator.InitialCapacity);
        reported.Should().Equal(Enumerable.Range(burstStart, sequence - burstStart).Select(s => (ushort)s));
    }
}
