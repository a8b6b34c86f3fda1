using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpTransportFeedbackTests
{
    // Built by hand from the draft's §3.1 rules. Base seq 1000, 20 packets, reference time 2
    // (128 ms), fb count 9, then:
    //   d850  status vector, 2-bit: 01 10 00 01 01 00 00 → small, large, lost, small, small, lost, lost
    //   200d  run length: symbol 01 (small delta) × 13
    //   04 fff0 08 00  deltas of the first four received (fff0 = −16 × 250 µs = −4 ms)
    //   01 × 13        deltas of the run
    //   0000           zero padding to 32 bits (no P bit, as the draft shows it)
    private static readonly byte[] Mixed = Hex(
        "8fcd000a 00000001 11223344 03e80014 00000209 d850200d 04fff008 00010101 01010101 01010101 01010000");

    [Test]
    public void Statuses_deltas_and_arrival_times_are_decoded()
    {
        RtcpTransportFeedback.TryParse(Mixed, out var feedback).Should().BeTrue();

        feedback.SenderSsrc.Should().Be(1);
        feedback.MediaSsrc.Should().Be(0x11223344);
        feedback.BaseSequenceNumber.Should().Be(1000);
        feedback.PacketStatusCount.Should().Be(20);
        feedback.ReferenceTime.Should().Be(2);
        feedback.FeedbackPacketCount.Should().Be(9);
        var packets = new List<(ushort Seq, RtcpPacketStatus Status, int Delta, long Arrival)>();
        var enumerator = feedback.GetEnumerator();
        while (enumerator.MoveNext())
            packets.Add((enumerator.CurrentSequenceNumber, enumerator.CurrentStatus, enumerator.CurrentDelta, enumerator.CurrentArrivalMicroseconds));

        packets.Should().HaveCount(20);
        packets.Select(p => p.Seq).Should().Equal(Enumerable.Range(1000, 20).Select(i => (ushort)i));
        packets.Take(7).Select(p => p.Status).Should().Equal(
            RtcpPacketStatus.ReceivedSmallDelta, RtcpPacketStatus.ReceivedLargeDelta, RtcpPacketStatus.NotReceived,
            RtcpPacketStatus.ReceivedSmallDelta, RtcpPacketStatus.ReceivedSmallDelta, RtcpPacketStatus.NotReceived,
            RtcpPacketStatus.NotReceived);
        packets.Skip(7).Should().OnlyContain(p => p.Status == RtcpPacketStatus.ReceivedSmallDelta && p.Delta == 1);
        packets.Take(5).Select(p => p.Delta).Should().Equal(4, -16, 0, 8, 0);
        packets[0].Arrival.Should().Be(128_000 + 1_000);
        packets[1].Arrival.Should().Be(128_000 + 1_000 - 4_000);
        packets[^1].Arrival.Should().Be(128_000 + (4 - 16 + 8 + 13) * 250);
    }

    // Chrome feedback packets as published in pion/rtcp's transport_layer_cc_test.go. Both set the
    // P bit: the first pads with just the count byte, the second with three bytes.
    [TestCase("afcd0005 fa17fa17 43032fa0 00990001 3de80217 20019401", 153, 4057090, 23, new[] { 148 })]
    [TestCase("afcd0007 fa17fa17 193dd8bb 00040007 10636e01 20074c24 24100c0c 10000003", 4, 1074030, 1,
        new[] { 76, 36, 36, 16, 12, 12, 16 })]
    public void Chrome_feedback_packets_decode(string hex, int baseSequence, int referenceTime, int feedbackCount, int[] deltas)
    {
        RtcpTransportFeedback.TryParse(Hex(hex), out var feedback).Should().BeTrue();

        feedback.SenderSsrc.Should().Be(0xfa17fa17);
        feedback.BaseSequenceNumber.Should().Be((ushort)baseSequence);
        feedback.ReferenceTime.Should().Be(referenceTime);
        feedback.FeedbackPacketCount.Should().Be((byte)feedbackCount);
        var decoded = new List<int>();
        var enumerator = feedback.GetEnumerator();
        while (enumerator.MoveNext())
        {
            enumerator.CurrentStatus.Should().Be(RtcpPacketStatus.ReceivedSmallDelta);
            decoded.Add(enumerator.CurrentDelta);
        }
        decoded.Should().Equal(deltas);
    }

    [Test]
    public void One_bit_vector_chunk_is_decoded()
    {
        // 0b1_0_10110000000011 = 0xAC03: 14 symbols, received at 0, 2, 3, 12, 13.
        var packet = Hex("8fcd0006 00000001 00000002 0000000e 00000000 ac030102 03040500");
        RtcpTransportFeedback.TryParse(packet, out var feedback).Should().BeTrue();
        var received = new List<(ushort, int)>();
        var enumerator = feedback.GetEnumerator();
        while (enumerator.MoveNext())
        {
            if (enumerator.CurrentStatus != RtcpPacketStatus.NotReceived)
                received.Add((enumerator.CurrentSequenceNumber, enumerator.CurrentDelta));
        }

        received.Should().Equal(((ushort)0, 1), ((ushort)2, 2), ((ushort)3, 3), ((ushort)12, 4), ((ushort)13, 5));
    }

    [Test]
    public void Reserved_symbol_and_missing_deltas_are_rejected()
    {
        // Run-length chunk with symbol 3 (reserved).
        RtcpTransportFeedback.TryParse(Hex("8fcd0005 00000001 00000002 00000001 00000000 60010000"), out _).Should().BeFalse();
        // Two small deltas announced, one present.
        RtcpTransportFeedback.TryParse(Hex("8fcd0005 00000001 00000002 00000002 00000000 20020a00"), out _).Should().BeTrue();
        RtcpTransportFeedback.TryParse(Hex("8fcd0005 00000001 00000002 00000003 00000000 20030a00"), out _).Should().BeFalse();
        // A zero-length run never covers the count.
        RtcpTransportFeedback.TryParse(Hex("8fcd0005 00000001 00000002 00000001 00000000 20000000"), out _).Should().BeFalse();
    }

    [Test]
    public void Negative_reference_time_is_sign_extended()
    {
        var packet = Hex("8fcd0005 00000001 00000002 00000001 fffffe00 20010100");

        RtcpTransportFeedback.TryParse(packet, out var feedback).Should().BeTrue();

        feedback.ReferenceTime.Should().Be(-2);
    }

    [Test]
    public void Truncated_feedback_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(Mixed, p => RtcpTransportFeedback.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw_and_enumerate_exactly_the_status_count() =>
        RandomBodiesNeverThrow(RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, p =>
        {
            if (!RtcpTransportFeedback.TryParse(p, out var feedback))
                return false;
            var count = 0;
            var enumerator = feedback.GetEnumerator();
            while (enumerator.MoveNext())
                count++;
            count.Should().Be(feedback.PacketStatusCount);
            return true;
        });

    [Test]
    public void Random_chunks_behind_a_small_status_count_never_throw() => Prop.ForAll<byte[], byte>((tail, statusCount) =>
    {
        // A random body rarely has a plausible status count, so fix it small and randomise the rest.
        var words = Math.Min((tail ?? []).Length / 4, 100);
        var packet = new byte[20 + words * 4];
        Hex("8fcd0000 00000001 00000002 00000000 00000000").CopyTo(packet, 0);
        packet[3] = (byte)(4 + words);
        packet[15] = statusCount;
        tail.AsSpan(0, words * 4).CopyTo(packet.AsSpan(20));
        if (RtcpTransportFeedback.TryParse(packet, out var feedback))
        {
            var enumerator = feedback.GetEnumerator();
            var count = 0;
            while (enumerator.MoveNext())
                count++;
            count.Should().Be(statusCount);
        }
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
}
