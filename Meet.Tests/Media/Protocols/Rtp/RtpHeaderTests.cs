using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class RtpHeaderTests
{
    // An Opus packet as Chrome sends it (values chosen, layout as captured):
    //   90 6f 1a2b 00003c00 11223344       V=2 X=1 CC=0, M=0 PT=111, seq 6699, ts 15360, SSRC
    //   bede 0002                          one-byte extensions, 2 words
    //   10 9e                              id 1 ssrc-audio-level: V=1 level 30
    //   31 0102                            id 3 transport-wide-cc: 258
    //   40 30                              id 4 mid: "0"
    //   00                                 padding to 32 bits
    //   fcfffe                             Opus payload (TOC + frame)
    internal static readonly byte[] ChromeOpus = Convert.FromHexString(
        "906f1a2b00003c0011223344" + "bede0002" + "109e" + "310102" + "4030" + "00" + "fcfffe");

    // VP8 with two CSRCs, a two-byte extension block and 4 bytes of padding:
    //   a2 e0 0001 00000064 0a0b0c0d       V=2 P=1 X=0 CC=2, M=1 PT=96, seq 1, ts 100
    //   00000001 00000002                  CSRCs
    //   90 10 c0 01 ...                    payload (VP8 descriptor + header)
    //   000000 04                          padding, count 4
    private static readonly byte[] PaddedWithCsrcs = Convert.FromHexString(
        "a2e00001000000640a0b0c0d" + "0000000100000002" + "9010c001" + "9d012a" + "00000004");

    [Test]
    public void Chrome_opus_packet_parses_with_its_extensions()
    {
        RtpHeader.TryParse(ChromeOpus, out var header).Should().BeTrue();

        header.PayloadType.Should().Be(111);
        header.Marker.Should().BeFalse();
        header.SequenceNumber.Should().Be(0x1a2b);
        header.Timestamp.Should().Be(0x3c00u);
        header.Ssrc.Should().Be(0x11223344u);
        header.HasOneByteExtensions.Should().BeTrue();
        header.HeaderLength.Should().Be(24);
        header.GetPayload(ChromeOpus).ToArray().Should().Equal(0xfc, 0xff, 0xfe);
        header.TryGetExtension(ChromeOpus, 1, out var level).Should().BeTrue();
        level.ToArray().Should().Equal(0x9e);
        header.TryGetExtension(ChromeOpus, 3, out var twcc).Should().BeTrue();
        twcc.ToArray().Should().Equal(0x01, 0x02);
        header.TryGetExtension(ChromeOpus, 4, out var mid).Should().BeTrue();
        mid.ToArray().Should().Equal((byte)'0');
        header.TryGetExtension(ChromeOpus, 2, out _).Should().BeFalse();
    }

    [Test]
    public void Csrcs_and_padding_are_located()
    {
        RtpHeader.TryParse(PaddedWithCsrcs, out var header).Should().BeTrue();

        header.Marker.Should().BeTrue();
        header.PayloadType.Should().Be(96);
        header.CsrcCount.Should().Be(2);
        header.GetCsrc(PaddedWithCsrcs, 0).Should().Be(1u);
        header.GetCsrc(PaddedWithCsrcs, 1).Should().Be(2u);
        header.HasPadding.Should().BeTrue();
        header.PaddingLength.Should().Be(4);
        header.GetPayload(PaddedWithCsrcs).ToArray().Should().Equal(Convert.FromHexString("9010c0019d012a"));
    }

    [Test]
    public void Rtcp_is_not_classified_as_rtp()
    {
        RtpHeader.IsRtp(ChromeOpus).Should().BeTrue();
        var rtcp = Convert.FromHexString("80c8000611223344000000000000000000000000000000000000000000000000");
        RtpHeader.IsRtp(rtcp).Should().BeFalse();
    }

    [TestCase("406f1a2b00003c0011223344", Description = "version 1")]
    [TestCase("a06f1a2b00003c0011223300", Description = "padding count 0")]
    [TestCase("a06f1a2b00003c00112233ff", Description = "padding longer than the packet")]
    [TestCase("816f1a2b00003c0011223344", Description = "CSRC count beyond the end")]
    [TestCase("906f1a2b00003c0011223344bede0005", Description = "extension length beyond the end")]
    public void Malformed_headers_are_rejected(string hex) =>
        RtpHeader.TryParse(Convert.FromHexString(hex), out _).Should().BeFalse();

    [Test]
    public void Truncated_packet_at_every_length_is_rejected_or_consistent()
    {
        foreach (var packet in new[] { ChromeOpus, PaddedWithCsrcs })
        {
            // Shorter than the header is always rejected; after it the payload may legitimately shrink.
            RtpHeader.TryParse(packet, out var full).Should().BeTrue();
            for (var length = 0; length < packet.Length; length++)
            {
                var ok = RtpHeader.TryParse(packet.AsSpan(0, length), out var header);
                if (length < full.HeaderLength)
                    ok.Should().BeFalse($"length {length}");
                else if (ok)
                    (header.HeaderLength + header.PayloadLength + header.PaddingLength).Should().Be(length);
            }
        }
    }

    [Test]
    public void Parsing_and_reading_an_extension_allocates_nothing()
    {
        var sum = 0;
        for (var i = 0; i < 100; i++)
            sum += ParseAndRead(ChromeOpus);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            sum += ParseAndRead(ChromeOpus);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
        sum.Should().Be(200 * 258);

        static int ParseAndRead(byte[] packet) =>
            RtpHeader.TryParse(packet, out var header) && header.TryGetExtension(packet, 3, out var value)
                && TransportWideSequenceExtension.TryRead(value, out var sequence) ? sequence : 0;
    }

    [Test]
    public void Random_bytes_never_throw_and_offsets_stay_in_bounds() => Prop.ForAll<byte[]>(bytes =>
    {
        if (bytes.Length > 0)
            bytes[0] = (byte)(0x80 | (bytes[0] & 0x3F)); // version 2 so the rest gets exercised
        if (!RtpHeader.TryParse(bytes, out var header))
            return;
        (header.HeaderLength + header.PayloadLength + header.PaddingLength).Should().Be(bytes.Length);
        var extensions = header.GetExtensions(bytes);
        while (extensions.MoveNext())
            header.TryGetExtension(bytes, extensions.CurrentId, out _).Should().BeTrue();
        for (var i = 0; i < header.CsrcCount; i++)
            header.GetCsrc(bytes, i);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(3000));
}
