using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;
using static Meet.Tests.Media.Protocols.Rtcp.RtcpParserChecks;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpSdesTests
{
    // Two chunks: SSRC 0x0a with CNAME "x" and TOOL(6) "ab"; SSRC 0x0b with CNAME "yz".
    //   82ca 0006
    //   0000000a 01 01 78 06 02 6162 00              chunk 1: items and the end octet fill 12 bytes
    //   0000000b 01 02 797a 00 000000                chunk 2: end octet plus zero padding to 12
    private static readonly byte[] TwoChunks = Hex(
        "82ca0006" + "0000000a 010178 06026162 00" + "0000000b 0102797a 00000000");

    [Test]
    public void Items_of_every_chunk_are_enumerated()
    {
        RtcpSdes.TryParse(TwoChunks, out var sdes).Should().BeTrue();
        var items = new List<(uint, byte, string)>();
        var enumerator = sdes.GetItems();
        while (enumerator.MoveNext())
            items.Add((enumerator.CurrentSsrc, enumerator.CurrentType, System.Text.Encoding.ASCII.GetString(enumerator.CurrentValue)));

        sdes.ChunkCount.Should().Be(2);
        items.Should().Equal((0x0au, (byte)1, "x"), (0x0au, (byte)6, "ab"), (0x0bu, (byte)1, "yz"));
    }

    [Test]
    public void Chunk_without_terminating_null_is_rejected()
    {
        RtcpSdes.TryParse(Hex("81ca0002 0000000a 01027879"), out _).Should().BeFalse();
    }

    [Test]
    public void Cname_packet_round_trips() => Prop.ForAll<uint, string>((ssrc, text) =>
    {
        var cname = System.Text.Encoding.UTF8.GetBytes(text ?? "").Take(255).ToArray();
        var sdes = new RtcpSdes(ssrc, cname);
        var buffer = new byte[sdes.GetSerializedSize()];
        sdes.TryWrite(buffer, out var written).Should().BeTrue();
        (written % 4).Should().Be(0);

        RtcpSdes.TryParse(buffer.AsSpan(0, written), out var parsed).Should().BeTrue();
        parsed.TryGetCname(out var parsedSsrc, out var parsedCname).Should().BeTrue();
        parsedSsrc.Should().Be(ssrc);
        parsedCname.ToArray().Should().Equal(cname);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_sdes_at_every_length_is_rejected() =>
        TruncatedAtEveryLengthIsRejected(TwoChunks, p => RtcpSdes.TryParse(p, out _));

    [Test]
    public void Random_bodies_never_throw() =>
        RandomBodiesNeverThrow(RtcpPacketType.SourceDescription, 2, p =>
        {
            if (!RtcpSdes.TryParse(p, out var sdes))
                return false;
            var items = sdes.GetItems();
            while (items.MoveNext())
            {
            }
            return true;
        });
}
