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
    public void Nothing_plays_before_the_first_packet_and_the_first_plays_at_the_next_step()
    {
        var buffer = new SpeakerJitterBuffer();
        Pop(buffer).Kind.Should().Be(JitterFrameKind.Silence);
        buffer.Push(10, Payload(10));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 10), "no prefill: the delay grows only with the jitter seen");
    }

    [Test]
    public void Packets_reordered_before_their_step_play_in_sequence_order()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(101, Payload(101));
        buffer.Push(100, Payload(100));
        Pop(buffer).Sequence.Should().Be(100);
        buffer.Push(103, Payload(103));
        buffer.Push(102, Payload(102));
        Enumerable.Range(0, 3).Select(_ => Pop(buffer).Sequence).Should().Equal(101, 102, 103);
    }

    [Test]
    public void A_burst_that_arrived_while_stopped_is_stale_and_playout_starts_near_its_newest()
    {
        var buffer = new SpeakerJitterBuffer();
        for (ushort sequence = 200; sequence < 206; sequence++)
            buffer.Push(sequence, Payload(sequence));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 204), "a playout starts at most StartDepth packets deep");
        buffer.Depth.Should().Be(SpeakerJitterBuffer.StartDepth - 1);
        buffer.Trimmed.Should().Be(4);
    }

    [Test]
    public void A_lost_packet_is_recovered_from_the_next_packets_fec_and_then_the_next_plays()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(1, Payload(1));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 1));
        foreach (ushort sequence in new ushort[] { 2, 4, 5 })
            buffer.Push(sequence, Payload(sequence));
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 2));
        Pop(buffer).Should().Be((JitterFrameKind.Fec, 4), "3 is missing and 4 carries its in-band FEC");
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 4));
        buffer.FecRecovered.Should().Be(1);
    }

    [Test]
    public void Two_lost_packets_are_concealed_then_recovered()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(1, Payload(1));
        Pop(buffer);
        foreach (ushort sequence in new ushort[] { 2, 5 })
            buffer.Push(sequence, Payload(sequence));
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
        buffer.Push(0, Payload(0));
        Pop(buffer);
        for (ushort sequence = 1; sequence < 20; sequence++)
            buffer.Push(sequence, Payload(sequence));
        var first = Pop(buffer);
        first.Kind.Should().Be(JitterFrameKind.Packet);
        (19 - first.Sequence).Should().BeLessThan(SpeakerJitterBuffer.MaxDelayPackets);
        buffer.Trimmed.Should().BePositive();
    }

    [Test]
    public void A_speaker_that_stops_sending_goes_silent_and_restarts_with_its_next_packet()
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
        Pop(buffer).Should().Be((JitterFrameKind.Packet, 500));
    }

    [Test]
    public void Sequence_numbers_wrap_around()
    {
        var buffer = new SpeakerJitterBuffer();
        buffer.Push(65534, Payload(65534));
        Pop(buffer).Sequence.Should().Be(65534);
        foreach (ushort sequence in new ushort[] { 65535, 0, 1 })
            buffer.Push(sequence, Payload(sequence));
        Enumerable.Range(0, 3).Select(_ => Pop(buffer).Sequence).Should().Equal(65535, 0, 1);
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

    // The simulated clock: packet s is sent at step s and arrives at step Arrival(s); each step first
    // takes what arrived, then plays one step as the mixer does (an extra step when the buffer asks to
    // shrink, as MixerChannel compresses a frame). The offset of a played packet (step - sequence) is
    // the delay it got in frames.
    private static List<(int Step, int Offset)> Play(SpeakerJitterBuffer buffer, int steps, Func<int, int> arrival)
    {
        var played = new List<(int, int)>();
        var sent = Enumerable.Range(0, steps).GroupBy(arrival).ToDictionary(g => g.Key, g => g.Order().ToList());
        for (var step = 0; step < steps; step++)
        {
            foreach (var sequence in sent.GetValueOrDefault(step, []))
                buffer.Push((ushort)sequence, Payload((ushort)sequence));
            var (kind, playedSequence) = Pop(buffer);
            if (kind == JitterFrameKind.Packet)
                played.Add((step, step - playedSequence));
            if (buffer.TakeShrink())
                Pop(buffer);
        }
        return played;
    }

    [Test]
    public void The_delay_grows_to_the_observed_jitter_and_no_further_then_shrinks_back_when_the_jitter_ends()
    {
        var buffer = new SpeakerJitterBuffer();
        // 10 s of bursts: every 200 ms the sender stalls 40 ms and the three packets arrive together,
        // then 10 s of packets on time.
        const int jittery = 500;
        var played = Play(buffer, 2 * jittery, s => s < jittery && s % 10 < 2 ? s - s % 10 + 2 : s);

        var duringJitter = played.Where(p => p.Step is > 50 and < jittery).Select(p => p.Offset).ToList();
        duringJitter.Max().Should().Be(2, "the delay is the two frames of jitter seen, not the 8-frame bound");
        buffer.Underruns.Should().BeLessThanOrEqualTo(2, "each frame of jitter costs one underrun, once");
        played.Where(p => p.Step >= 2 * jittery - 50).Select(p => p.Offset).Should().OnlyContain(o => o == 0,
            "a second after the jitter ended the delay shrank back, one frame per spare second");
        buffer.Shrinks.Should().Be(2);
    }

    [Test]
    public void A_steady_speaker_plays_each_packet_at_the_step_it_arrived()
    {
        var buffer = new SpeakerJitterBuffer();
        Play(buffer, 200, s => s).Select(p => p.Offset).Should().OnlyContain(o => o == 0);
        buffer.Underruns.Should().Be(0);
    }

    [Test]
    public void Skipped_steps_drop_their_packets_so_the_delay_does_not_grow()
    {
        var buffer = new SpeakerJitterBuffer();
        var offsets = new List<int>();
        for (var step = 0; step < 200; step++)
        {
            buffer.Push((ushort)step, Payload((ushort)step));
            if (step % 5 == 4)
            {
                buffer.Skip(1);
                continue;
            }
            var (kind, sequence) = Pop(buffer);
            kind.Should().Be(JitterFrameKind.Packet);
            offsets.Add(step - sequence);
        }
        offsets.Should().OnlyContain(o => o == 0, "a skipped mixer frame takes its packet with it");
        buffer.Trimmed.Should().Be(0);
    }
}
