using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpTransportFeedbackBuilderTests
{
    private static List<(ushort Seq, RtcpPacketStatus Status, long Arrival)> Decode(ReadOnlySpan<byte> packet)
    {
        RtcpTransportFeedback.TryParse(packet, out var feedback).Should().BeTrue();
        var result = new List<(ushort, RtcpPacketStatus, long)>();
        var enumerator = feedback.GetEnumerator();
        while (enumerator.MoveNext())
            result.Add((enumerator.CurrentSequenceNumber, enumerator.CurrentStatus, enumerator.CurrentArrivalMicroseconds));
        return result;
    }

    [Test]
    public void Gaps_become_lost_packets_and_arrivals_survive_at_250_microsecond_resolution()
    {
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(senderSsrc: 1, mediaSsrc: 2, feedbackPacketCount: 3);
        builder.TryAddReceived(65534, 1_000_000).Should().BeTrue();
        builder.TryAddReceived(65535, 1_010_000).Should().BeTrue();
        builder.TryAddReceived(2, 1_009_000).Should().BeTrue(); // reordered arrival: negative delta, wrap in between
        var buffer = new byte[builder.GetSerializedSize()];

        builder.TryWrite(buffer, out var written).Should().BeTrue();

        written.Should().Be(buffer.Length);
        (written % 4).Should().Be(0);
        Decode(buffer).Should().Equal(
            ((ushort)65534, RtcpPacketStatus.ReceivedSmallDelta, 1_000_000L),
            ((ushort)65535, RtcpPacketStatus.ReceivedSmallDelta, 1_010_000L),
            ((ushort)0, RtcpPacketStatus.NotReceived, 1_010_000L),
            ((ushort)1, RtcpPacketStatus.NotReceived, 1_010_000L),
            ((ushort)2, RtcpPacketStatus.ReceivedLargeDelta, 1_009_000L));
    }

    [Test]
    public void Out_of_order_or_too_distant_packets_are_refused()
    {
        var builder = new RtcpTransportFeedbackBuilder(maxPackets: 100);
        builder.Reset(1, 2, 0);
        builder.TryAddReceived(10, 0).Should().BeTrue();

        builder.TryAddReceived(9, 1000).Should().BeFalse("before the base");
        builder.TryAddReceived(10, 1000).Should().BeFalse("already reported");
        builder.TryAddReceived(110, 1000).Should().BeFalse("beyond capacity");
        builder.TryAddReceived(11, 9_000_000).Should().BeFalse("delta beyond 16 bits of 250 µs");
        builder.TryAddReceived(11, 1000).Should().BeTrue();
        builder.PacketStatusCount.Should().Be(2);
    }

    [Test]
    public void Empty_builder_writes_nothing()
    {
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(1, 2, 0);

        builder.TryWrite(new byte[64], out _).Should().BeFalse();
    }

    [Test]
    public void Long_runs_use_run_length_chunks()
    {
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(1, 2, 0);
        for (var i = 0; i < 500; i++)
            builder.TryAddReceived((ushort)i, i * 1000L).Should().BeTrue();

        // One run-length chunk + 500 one-byte deltas: 20 + 2 + 500 = 522, padded to 524.
        builder.GetSerializedSize().Should().Be(524);
    }

    [Test]
    public void Arbitrary_arrivals_round_trip() => Prop.ForAll<int, byte[]>((seed, pattern) =>
    {
        var random = new Random(seed);
        var builder = new RtcpTransportFeedbackBuilder();
        builder.Reset(5, 6, (byte)seed);
        var expected = new Dictionary<ushort, long>();
        var sequence = (ushort)random.Next(65536);
        var arrival = random.NextInt64(-1_000_000_000, 1_000_000_000) / 250 * 250;
        foreach (var step in (pattern ?? []).Take(300))
        {
            // Mostly consecutive, sometimes gaps; arrivals jitter, sometimes go backwards.
            sequence = (ushort)(sequence + 1 + (step % 5 == 0 ? step % 9 : 0));
            arrival += (step % 7 == 0 ? -1 : 1) * (long)random.Next(0, 400) * 250;
            if (!builder.TryAddReceived(sequence, arrival))
                break;
            expected[sequence] = arrival;
        }
        if (builder.PacketStatusCount == 0)
            return;
        var buffer = new byte[builder.GetSerializedSize()];
        builder.TryWrite(buffer, out var written).Should().BeTrue();

        var decoded = Decode(buffer.AsSpan(0, written));
        decoded.Should().HaveCount(builder.PacketStatusCount);
        foreach (var (seq, status, time) in decoded)
        {
            if (expected.TryGetValue(seq, out var at))
            {
                status.Should().NotBe(RtcpPacketStatus.NotReceived);
                time.Should().Be(at);
            }
            else
            {
                status.Should().Be(RtcpPacketStatus.NotReceived);
            }
        }
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}
