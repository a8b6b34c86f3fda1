using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpReportBlockTests
{
    [Test]
    public void Negative_cumulative_loss_is_sign_extended()
    {
        // fraction 0x40 (25 %), cumulative lost 0xfffffe = −2 (duplicates), RFC 3550 §6.4.1.
        var bytes = Hex("11223344 40fffffe 00010064 00000020 a1b2c3d4 00008000");

        RtcpReportBlock.TryParse(bytes, out var block).Should().BeTrue();

        block.Should().Be(new RtcpReportBlock(0x11223344, 0x40, -2, 0x10064, 0x20, 0xa1b2c3d4, 0x8000));
    }

    [Test]
    public void Out_of_range_cumulative_loss_is_clamped_to_24_bits()
    {
        var buffer = new byte[RtcpReportBlock.Size];
        new RtcpReportBlock(1, 0, 10_000_000, 0, 0, 0, 0).TryWrite(buffer, out _).Should().BeTrue();

        RtcpReportBlock.TryParse(buffer, out var block).Should().BeTrue();
        block.CumulativeLost.Should().Be(0x7F_FFFF);
    }

    [Test]
    public void Block_round_trips() => Prop.ForAll<uint, byte, int>((ssrc, fraction, lost) =>
    {
        var cumulative = (lost << 8) >> 8;
        var block = new RtcpReportBlock(ssrc, fraction, cumulative, ssrc ^ 1, ssrc ^ 2, ssrc ^ 3, ssrc ^ 4);
        var buffer = new byte[block.GetSerializedSize()];
        block.TryWrite(buffer, out var written).Should().BeTrue();
        RtcpReportBlock.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.Should().Be(block);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_block_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(new byte[RtcpReportBlock.Size], p => RtcpReportBlock.TryParse(p, out _));

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        if (RtcpReportBlock.TryParse(bytes, out var block))
            block.CumulativeLost.Should().BeInRange(-0x80_0000, 0x7F_FFFF);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
}
