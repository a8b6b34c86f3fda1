using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpFirTests
{
    // FIR from sender 1: media SSRC field 0 (RFC 5104 §4.3.1.2), one entry SSRC 0x11223344 seq 7.
    private static readonly byte[] Fir = Hex("84ce0004 00000001 00000000 11223344 07000000");

    [Test]
    public void Entries_are_read()
    {
        RtcpFir.TryParse(Fir, out var fir).Should().BeTrue();

        fir.SenderSsrc.Should().Be(1);
        fir.EntryCount.Should().Be(1);
        fir.GetEntry(0).Should().Be(new RtcpFirEntry(0x11223344, 7));
    }

    [Test]
    public void Fir_without_entries_is_rejected()
    {
        RtcpFir.TryParse(Hex("84ce0002 00000001 00000000"), out _).Should().BeFalse();
    }

    [Test]
    public void Fir_round_trips() => Prop.ForAll<uint, uint[]>((sender, targets) =>
    {
        var entries = (targets ?? []).Take(50).Select(t => new RtcpFirEntry(t, (byte)t)).ToArray();
        if (entries.Length == 0)
            return;
        var fir = new RtcpFir(sender, entries);
        var buffer = new byte[fir.GetSerializedSize()];
        fir.TryWrite(buffer, out var written).Should().BeTrue();

        RtcpFir.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.SenderSsrc.Should().Be(sender);
        parsed.EntryCount.Should().Be(entries.Length);
        for (var i = 0; i < entries.Length; i++)
            parsed.GetEntry(i).Should().Be(entries[i]);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_fir_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(Fir, p => RtcpFir.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.PayloadSpecificFeedback, RtcpFeedbackFormat.FullIntraRequest, p =>
        {
            if (!RtcpFir.TryParse(p, out var fir))
                return false;
            for (var i = 0; i < fir.EntryCount; i++)
                fir.GetEntry(i);
            return true;
        });
}
