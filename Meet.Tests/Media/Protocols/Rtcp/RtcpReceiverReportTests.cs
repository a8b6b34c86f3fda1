using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpReceiverReportTests
{
    // Chrome's receive-only RR: sender SSRC 1 (Chrome uses 1 for receive-only), one block.
    private static readonly byte[] ChromeRr = Hex(
        "81c90007 00000001 11223344 00000000 0001ffff 0000000a 00000000 00000000");

    [Test]
    public void Receiver_report_is_read()
    {
        RtcpReceiverReport.TryParse(ChromeRr, out var rr).Should().BeTrue();

        rr.SenderSsrc.Should().Be(1);
        rr.ReportCount.Should().Be(1);
        rr.GetReportBlock(0).ExtendedHighestSequence.Should().Be(0x1ffff);
        rr.GetReportBlock(0).Jitter.Should().Be(10);
    }

    [Test]
    public void Empty_receiver_report_is_valid()
    {
        RtcpReceiverReport.TryParse(Hex("80c90001 00000001"), out var rr).Should().BeTrue();

        rr.ReportCount.Should().Be(0);
    }

    [Test]
    public void Report_round_trips() => Prop.ForAll<uint, byte>((ssrc, blockCount) =>
    {
        var blocks = Enumerable.Range(0, blockCount % 32)
            .Select(i => new RtcpReportBlock(ssrc + (uint)i, (byte)(i * 8), i * 1000, (uint)i, 1, 2, 3)).ToArray();
        var report = new RtcpReceiverReport(ssrc, blocks);
        var buffer = new byte[report.GetSerializedSize()];
        report.TryWrite(buffer, out var written).Should().BeTrue();

        RtcpReceiverReport.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.SenderSsrc.Should().Be(ssrc);
        parsed.ReportCount.Should().Be(blocks.Length);
        for (var i = 0; i < blocks.Length; i++)
            parsed.GetReportBlock(i).Should().Be(blocks[i]);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

    [Test]
    public void Truncated_report_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(ChromeRr, p => RtcpReceiverReport.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.ReceiverReport, 1, p =>
        {
            if (!RtcpReceiverReport.TryParse(p, out var rr))
                return false;
            for (var i = 0; i < rr.ReportCount; i++)
                rr.GetReportBlock(i);
            return true;
        });
}
