using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Client.Media;

[TestFixture]
public sealed class ClientPeerConnectionOfferTests
{
    [Test]
    public async Task A_simulcast_track_is_offered_with_rids_and_no_ssrc_as_browsers_do()
    {
        await using var pc = new ClientPeerConnection { TransportWideCc = true };
        var sdp = pc.CreateOffer([ClientMediaTrack.Vp8Simulcast("s", "cam", "q", "h", "f"), ClientMediaTrack.Opus("s", "mic", 7)]);

        SessionDescription.TryParse(sdp, out var offer, out var error).Should().BeTrue(error.ToString());
        var video = offer!.MediaDescriptions[0];
        video.Rids.Select(r => (r.Id, r.Direction)).Should().Equal(("q", SdpRidDirection.Send), ("h", SdpRidDirection.Send), ("f", SdpRidDirection.Send));
        video.Simulcast!.SendRids.Should().Equal("q", "h", "f");
        video.Ssrcs.Should().BeEmpty("the SFU learns each layer's SSRC from the mid and rid extensions (RFC 8852)");
        video.Extmaps.Select(e => (e.Id, e.Uri)).Should().Contain([
            (ClientPeerConnection.MidExtensionId, SdpAnswerOptions.MidUri),
            (ClientPeerConnection.RidExtensionId, SdpAnswerOptions.RidUri),
            (ClientPeerConnection.RepairedRidExtensionId, SdpAnswerOptions.RepairedRidUri),
            (ClientPeerConnection.TransportWideCcExtensionId, SdpAnswerOptions.TransportWideCcUri)]);
        video.RtcpFeedbacks.Should().Contain(f => f.Type == "transport-cc");
        var audio = offer.MediaDescriptions[1];
        audio.Ssrcs.Select(s => s.Ssrc).Should().Contain(7u);
        audio.Rids.Should().BeEmpty();
    }

    [Test]
    public async Task Without_transport_wide_cc_the_extension_is_not_offered()
    {
        await using var pc = new ClientPeerConnection();
        var sdp = pc.CreateOffer([ClientMediaTrack.Vp8("s", "cam", 5)]);

        SessionDescription.TryParse(sdp, out var offer, out _).Should().BeTrue();
        offer!.MediaDescriptions[0].Extmaps.Should().NotContain(e => e.Uri == SdpAnswerOptions.TransportWideCcUri);
        offer.MediaDescriptions[0].Simulcast.Should().BeNull();
    }
}
