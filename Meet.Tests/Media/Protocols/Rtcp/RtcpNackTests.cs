using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpNackTests
{
    // Chrome NACK: sender 1, media 0x11223344, PID 0x1234 BLP 0x0003 and PID 0x1300 BLP 0.
    private static readonly byte[] ChromeNack = Hex("81cd0004 00000001 11223344 12340003 13000000");

    [Test]
    public void Items_are_read()
    {
        RtcpNack.TryParse(ChromeNack, out var nack).Should().BeTrue();

        nack.SenderSsrc.Should().Be(1);
        nack.MediaSsrc.Should().Be(0x11223344);
        nack.ItemCount.Should().Be(2);
        nack.GetItem(0).Should().Be(new RtcpNackItem(0x1234, 3));
        nack.GetItem(1).Should().Be(new RtcpNackItem(0x1300, 0));
    }

    [Test]
    public void Nack_without_items_is_rejected_and_not_written()
    {
        RtcpNack.TryParse(Hex("81cd0002 00000001 11223344"), out _).Should().BeFalse();
        new RtcpNack(1, 2, []).TryWrite(new byte[64], out _).Should().BeFalse();
    }

    [Test]
    public void Other_feedback_formats_are_rejected()
    {
        var pli = (byte[])ChromeNack.Clone();
        pli[0] = 0x8f;

        RtcpNack.TryParse(pli, out _).Should().BeFalse();
    }

    [Test]
    public void Nack_round_trips() => Prop.ForAll<uint, uint, ushort[]>((sender, media, pids) =>
    {
        var items = (pids ?? []).Take(100).Select(p => new RtcpNackItem(p, (ushort)(p * 31))).ToArray();
        if (items.Length == 0)
            return;
        var nack = new RtcpNack(sender, media, items);
        var buffer = new byte[nack.GetSerializedSize()];
        nack.TryWrite(buffer, out var written).Should().BeTrue();

        RtcpNack.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        (parsed.SenderSsrc, parsed.MediaSsrc, parsed.ItemCount).Should().Be((sender, media, items.Length));
        for (var i = 0; i < items.Length; i++)
            parsed.GetItem(i).Should().Be(items[i]);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_nack_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(ChromeNack, p => RtcpNack.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, p =>
        {
            if (!RtcpNack.TryParse(p, out var nack))
                return false;
            for (var i = 0; i < nack.ItemCount; i++)
                nack.GetItem(i);
            return true;
        });
}
