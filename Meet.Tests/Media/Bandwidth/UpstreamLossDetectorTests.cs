using System.Diagnostics;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Tests.Media.Bandwidth;

[TestFixture]
public sealed class UpstreamLossDetectorTests
{
    private static readonly long Ms = Stopwatch.Frequency / 1000;

    private static List<ushort> Nacked(UpstreamLossDetector detector, long now, long retry = 0)
    {
        var buffer = new byte[512];
        var written = detector.WriteNack(1, 77, now, retry, buffer);
        if (written == 0)
            return [];
        RtcpNack.TryParse(buffer.AsSpan(0, written), out var nack).Should().BeTrue();
        nack.MediaSsrc.Should().Be(77);
        var lost = new List<ushort>();
        Span<ushort> items = stackalloc ushort[17];
        for (var i = 0; i < nack.ItemCount; i++)
        {
            var count = nack.GetItem(i).CopyLostTo(items);
            for (var j = 0; j < count; j++)
                lost.Add(items[j]);
        }
        return lost;
    }

    [Test]
    public void A_gap_is_nacked_at_once_then_retried_and_forgotten_once_the_retransmission_arrives()
    {
        var detector = new UpstreamLossDetector();
        var t = 1000 * Ms;
        detector.OnPacket(65534, t).Should().BeFalse();
        detector.OnPacket(2, t).Should().BeTrue("65535, 0 and 1 are missing");
        Nacked(detector, t).Should().Equal(65535, 0, 1);
        Nacked(detector, t + 10 * Ms, 50 * Ms).Should().BeEmpty("the retry is not due yet");
        detector.OnPacket(0, t + 20 * Ms).Should().BeFalse();
        detector.Recovered.Should().Be(1);
        Nacked(detector, t + 60 * Ms, 50 * Ms).Should().Equal(65535, 1);
    }

    [Test]
    public void Requests_stop_after_three_tries_or_a_second()
    {
        var detector = new UpstreamLossDetector();
        var t = 1000 * Ms;
        detector.OnPacket(10, t);
        detector.OnPacket(12, t);
        for (var i = 0; i < UpstreamLossDetector.MaxRequests; i++)
            Nacked(detector, t + i * 100 * Ms, 50 * Ms).Should().Equal(11);
        Nacked(detector, t + 400 * Ms, 50 * Ms).Should().BeEmpty();
        detector.MissingCount.Should().Be(0);
        detector.GaveUp.Should().Be(1);

        detector.OnPacket(14, t);
        Nacked(detector, t + 2000 * Ms).Should().BeEmpty("a second-old loss is repaired by a keyframe, not a NACK");
    }

    [Test]
    public void A_sequence_jump_is_a_restart_not_loss_and_tracking_is_bounded()
    {
        var detector = new UpstreamLossDetector();
        detector.OnPacket(0, Ms);
        detector.OnPacket(5000, Ms).Should().BeFalse();
        detector.MissingCount.Should().Be(0);
        for (var i = 0; i < 50; i++)
            detector.OnPacket((ushort)(5002 + 2 * i), Ms);
        detector.MissingCount.Should().Be(UpstreamLossDetector.MaxTracked > 50 ? 50 : UpstreamLossDetector.MaxTracked);
        detector.OnPacket(5200, Ms);
        detector.MissingCount.Should().Be(UpstreamLossDetector.MaxTracked);
    }
}
