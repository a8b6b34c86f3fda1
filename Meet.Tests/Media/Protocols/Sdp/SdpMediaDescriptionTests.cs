using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpMediaDescriptionTests
{
    [Test]
    public void Lookups_find_codec_and_extension_entries()
    {
        var media = new SdpMediaDescription
        {
            Media = "video",
            Protocol = "UDP/TLS/RTP/SAVPF",
            Formats = ["96", "97"],
            RtpMaps = [new SdpRtpMap(96, "VP8", 90000), new SdpRtpMap(97, "rtx", 90000)],
            Fmtps = [new SdpFmtp(97, "apt=96")],
            Extmaps = [new SdpExtmap(9, SdpAnswerOptions.MidUri)],
        };

        media.FindRtpMap(97)!.EncodingName.Should().Be("rtx");
        media.FindRtpMap(98).Should().BeNull();
        media.FindFmtp(97)!.AssociatedPayloadType.Should().Be(96);
        media.FindFmtp(96).Should().BeNull();
        media.FindExtmapId(SdpAnswerOptions.MidUri).Should().Be(9);
        media.FindExtmapId(SdpAnswerOptions.RidUri).Should().BeNull();
        media.IsRejected.Should().BeFalse();
    }

    [Test]
    public void Port_zero_means_rejected()
    {
        new SdpMediaDescription { Media = "video", Protocol = "UDP/TLS/RTP/SAVPF", Port = 0 }.IsRejected.Should().BeTrue();
    }

    [Test]
    public void Port_count_round_trips()
    {
        string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 49170/2 RTP/AVP 31\r\n";

        SessionDescription.TryParse(text, out SessionDescription? sdp, out _).Should().BeTrue();

        sdp!.MediaDescriptions[0].PortCount.Should().Be(2);
        sdp.ToString().Should().Be(text);
    }
}
