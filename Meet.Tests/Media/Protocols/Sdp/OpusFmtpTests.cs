using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class OpusFmtpTests
{
    [TestCase("minptime=10;useinbandfec=1", "minptime=10;useinbandfec=1;usedtx=1")]
    [TestCase("minptime=10; useinbandfec=0; usedtx=0", "minptime=10;useinbandfec=1;usedtx=1")]
    [TestCase(null, "useinbandfec=1;usedtx=1")]
    public void Fec_and_dtx_are_asked_for_and_other_parameters_kept(string? offered, string expected) =>
        OpusFmtp.WithFecAndDtx(offered).Should().Be(expected);

    [Test]
    public void An_answer_section_gets_them_on_every_opus_payload_type_only()
    {
        var section = new SdpMediaDescription
        {
            Media = "audio",
            Protocol = "UDP/TLS/RTP/SAVPF",
            RtpMaps = [new SdpRtpMap(111, "opus", 48000, 2), new SdpRtpMap(63, "red", 48000, 2)],
            Fmtps = [new SdpFmtp(111, "minptime=10;useinbandfec=1"), new SdpFmtp(63, "111/111")],
        };
        OpusFmtp.RequestFecAndDtx(section);
        section.FindFmtp(111)!.Parameters.Should().Be("minptime=10;useinbandfec=1;usedtx=1");
        section.FindFmtp(63)!.Parameters.Should().Be("111/111");
    }
}
