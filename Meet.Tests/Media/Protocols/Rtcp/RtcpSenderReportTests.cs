using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpSenderReportTests
{
    // SR with one report block and 4 bytes of profile-specific extension (ignored).
    private static readonly byte[] WithBlock = Hex(
        "81c8000d 2a2b2c2d e9a1b2c3 d4e5f600 00015f90 00000078 00017700" +
        "11223344 01000003 00010064 00000020 b2c3d4e5 00010000" +
        "deadbeef");

    [Test]
    public void Sender_info_and_report_block_are_read()
    {
        RtcpSenderReport.TryParse(WithBlock, out var sr).Should().BeTrue();

        sr.Ssrc.Should().Be(0x2a2b2c2d);
        sr.NtpTimestamp.Should().Be(0xe9a1b2c3d4e5f600);
        sr.CompactNtp.Should().Be(0xb2c3d4e5);
        sr.RtpTimestamp.Should().Be(90000);
        sr.PacketCount.Should().Be(120);
        sr.OctetCount.Should().Be(96000);
        sr.ReportCount.Should().Be(1);
        sr.GetReportBlock(0).Should().Be(new RtcpReportBlock(0x11223344, 1, 3, 0x10064, 0x20, 0xb2c3d4e5, 0x10000));
    }

    [Test]
    public void Report_count_beyond_the_body_is_rejected()
    {
        var bytes = (byte[])WithBlock.Clone();
        bytes[0] = 0x82;

        RtcpSenderReport.TryParse(bytes, out _).Should().BeFalse();
    }

    [Test]
    public void Other_packet_types_are_rejected()
    {
        var bytes = (byte[])WithBlock.Clone();
        bytes[1] = (byte)RtcpPacketType.ReceiverReport;

        RtcpSenderReport.TryParse(bytes, out _).Should().BeFalse();
    }

    [Test]
    public void Report_round_trips() => Prop.ForAll<uint, ulong, byte>((ssrc, ntp, blockCount) =>
    {
        var blocks = Enumerable.Range(0, blockCount % 32)
            .Select(i => new RtcpReportBlock((uint)i, (byte)i, -i, ssrc, (uint)i * 7, (uint)(ntp >> 16), 65536)).ToArray();
        var report = new RtcpSenderReport(ssrc, ntp, ssrc ^ 5, 100, 200, blocks);
        var buffer = new byte[report.GetSerializedSize()];
        report.TryWrite(buffer, out var written).Should().BeTrue();
        written.Should().Be(buffer.Length);

        RtcpSenderReport.TryParse(buffer, out var parsed).Should().BeTrue();
        (parsed.Ssrc, parsed.NtpTimestamp, parsed.RtpTimestamp, parsed.PacketCount, parsed.OctetCount)
            .Should().Be((ssrc, ntp, ssrc ^ 5, 100u, 200u));
        Enumerable.Range(0, parsed.ReportCount).Select(i => GetBlock(buffer, i)).Should().Equal(blocks);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));

    private static RtcpReportBlock GetBlock(byte[] buffer, int index)
    {
        RtcpSenderReport.TryParse(buffer, out var parsed);
        return parsed.GetReportBlock(index);
    }

    [Test]
    public void Too_small_destination_is_refused()
    {
        var report = new RtcpSenderReport(1, 2, 3, 4, 5, []);
        report.TryWrite(new byte[report.GetSerializedSize() - 1], out _).Should().BeFalse();
    }

    [Test]
    public void Truncated_report_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(WithBlock, p => RtcpSenderReport.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.SenderReport, 2, p =>
        {
            if (!RtcpSenderReport.TryParse(p, out var sr))
                return false;
            for (var i = 0; i < sr.ReportCount; i++)
                sr.GetReportBlock(i);
            return true;
        });
}
