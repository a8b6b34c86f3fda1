using Meet.Modules.Media.Mixing;

namespace Meet.Tests.Media.Mixing;

[TestFixture]
public sealed class SpeakerJitterBufferTests
{
    private static byte[] Payload(ushort sequence) => [(byte)(sequence >> 8), (byte)sequence, 0xAA];

    private static (JitterFrameKind Kind, int Sequence) Pop(SpeakerJitterBuffer buffer)
    {
        var destination = new byte[MixFormat.MaxPacketBytes];
        var kind = buffer.Pop(destination, out var length);
        return (kind, length >= 2 ? destination[0] << 8 | destination[1] : -1);
    }

    [Test]
    public void Nothing_plays_until_the_prefill_is_buffered()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(10, Payload(10));
        Pop(buffer).Kind.Should().Be(JitterFrameKind.Silence);
        buffer.Push(11, Payload(11));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 10));
    }

    [Test]
    public void Packets_reordered_within_the_prefill_play_in_sequence_order()
    {
        var buffer = new SpeakerJitterBuffer();
        foreach (ushort sequence in new ushort[] { 101, 100, 103, 102 })
            buffer.Push(sequence, Payload(sequence));
        Enumerable.Range(0, 4).Select(_ => Pop(buffer).Sequence).Should().Equal(100, 101, 102, 103);
    }

    [Test]
    public void A_lost_packet_is_recovered_from_the_next_packets_fec_and_then_the_next_plays()
    {
        var buffer = new SpeakerJitterBuffer();
        foreach (ushort sequence in new ushort[] { 1, 2, 4, 5 })
            buffer.Push(sequence, Payload(sequence));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 1));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 2));
        Pop(buffer).Should().Be((JitterFrameKind.Fec, 4), "3 is missing and 4 carries its in-band FEC");
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 4));
        buffer.FecRecovered.Should().Be(1);
    }

    [Test]
    public void Two_lost_packets_are_concealed_then_recovered()
    {
        var buffer = new SpeakerJitterBuffer();
        foreach (ushort sequence in new ushort[] { 1, 2, 5 })
            buffer.Push(sequence, Payload(sequence));
        Pop(buffer);
        Pop(buffer);
        Pop(buffer).Kind.Should().Be(JitterFrameKind.Lost);
        Pop(buffer).Should().Be((JitterFrameKind.Fec, 5));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 5));
        buffer.Concealed.Should().Be(1);
    }

    [Test]
    public void A_late_packet_that_arrives_while_concealing_in_place_still_plays()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(1, Payload(1));
        buffer.Push(2, Payload(2));
        Pop(buffer);
        Pop(buffer);
        Pop(buffer).Kind.Should().Be(JitterFrameKind.Lost, "nothing is buffered: conceal without giving up on 3");
        buffer.Push(3, Payload(3)).Should().BeTrue();
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 3));
    }

    [Test]
    public void A_packet_whose_turn_passed_is_dropped_as_late_and_duplicates_are_ignored()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(1, Payload(1));
        buffer.Push(2, Payload(2)).Should().BeTrue();
        buffer.Push(2, Payload(2)).Should().BeFalse();
        Pop(buffer);
        buffer.Push(1, Payload(1)).Should().BeFalse();
        buffer.Late.Should().Be(1);
    }

    [Test]
    public void Delay_beyond_the_bound_is_trimmed_so_latency_stays_bounded()
    {
        var buffer = new SpeakerJitterBuffer();
        for (ushort sequence = 0; sequence < 20; sequence++)
            buffer.Push(sequence, Payload(sequence));
        var first = Pop(buffer);
        first.Kind.Should().Be(JitterFrameKind.Packet);
        (19 - first.Sequence).Should().BeLessThan(SpeakerJitterBuffer.MaxDelayPackets);
        buffer.Trimmed.Should().BePositive();
    }

    [Test]
    public void A_speaker_that_stops_sending_goes_silent_and_restarts_with_a_prefill()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(1, Payload(1));
        buffer.Push(2, Payload(2));
        Pop(buffer);
        Pop(buffer);
        for (var i = 0; i < SpeakerJitterBuffer.UnderrunLimit; i++)
            Pop(buffer).Kind.Should().Be(JitterFrameKind.Lost);
        Pop(buffer).Kind.Should().Be(JitterFrameKind.Silence);
        buffer.IsPlaying.Should().BeFalse();
        buffer.Push(500, Payload(500));
        Pop(buffer).Kind.Should().Be(JitterFrameKind.Silence);
        buffer.Push(501, Payload(501));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 500));
    }

    [Test]
    public void Sequence_numbers_wrap_around()
    {
        var buffer = new SpeakerJitterBuffer();
        foreach (ushort sequence in new ushort[] { 65534, 65535, 0, 1 })
            buffer.Push(sequence, Payload(sequence));
        Enumerable.Range(0, 4).Select(_ => Pop(buffer).Sequence).Should().Equal(65534, 65535, 0, 1);
    }

    [Test]
    public void Empty_and_oversize_payloads_are_refused()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(1, []).Should().BeFalse();
        buffer.Push(1, new byte[MixFormat.MaxPacketBytes + 1]).Should().BeFalse();
    }

    [Test]
    public void Random_arrival_orders_never_throw_and_play_each_packet_at_most_once()
    {
        var random = new Random(17);
        for (var run = 0; run < 200; run++)
        {
            var buffer = new SpeakerJitterBuffer();
            var played = new List<int>();
            var start = (ushort)random.Next(65536);
            for (var i = 0; i < 60; i++)
            {
                var sequence = (ushort)(start + i + random.Next(-3, 4));
                buffer.Push(sequence, Payload(sequence));
                if (random.Next(3) > 0)
                {
                    var (kind, seq) = Pop(buffer);
                    if (kind == JitterFrameKind.Packet)
                        played.Add(seq);
                }
            }
            played.Should().OnlyHaveUniqueItems();
        }
    }
}
