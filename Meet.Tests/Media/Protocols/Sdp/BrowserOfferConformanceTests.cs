using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

// Issue 12: offers of Chromium, Firefox (max-bundle: port 0 + a=bundle-only) and Safari round-trip
// through the parser, and the SFU's answers to each pass SdpConformance.
[TestFixture]
public sealed class BrowserOfferConformanceTests
{
    private static IEnumerable<string> OtherBrowsers => SdpFixtures.OtherBrowserNames;

    private static IEnumerable<string> Offers => SdpFixtures.Offers;

    [TestCaseSource(nameof(OtherBrowsers))]
    public void Firefox_and_safari_documents_parse_and_reserialise_to_an_equivalent_document(string name)
    {
        var original = SdpFixtures.Load(name);

        SessionDescription.TryParse(original, out var parsed, out var error).Should().BeTrue(error.ToString());
        var written = parsed!.ToString();
        SessionDescription.TryParse(written, out var reparsed, out error).Should().BeTrue(error.ToString());

        reparsed.Should().BeEquivalentTo(parsed, o => o.WithStrictOrdering());
        // The writer keeps Chrome's "a=msid-semantic: WMS" spacing (protocols-dtls-sdp.md); Firefox omits the space.
        Lines(written).Should().BeEquivalentTo(Lines(original).Select(l => l.Replace("a=msid-semantic:WMS", "a=msid-semantic: WMS", StringComparison.Ordinal)),
            "every line survives, only the attribute order is the writer's");
    }

    [TestCaseSource(nameof(Offers))]
    public void Every_browser_offer_is_itself_conformant(string name)
    {
        SdpConformance.Check(Parse(name)).Should().BeEmpty();
    }

    [TestCaseSource(nameof(Offers))]
    public void The_sfu_answer_to_every_browser_offer_is_conformant_and_accepts_every_media_section(string name)
    {
        var offer = Parse(name);
        var refused = new List<SdpRefusedSection>();

        var answer = SdpBuilder.CreateAnswer(offer, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions(), "1", 1, refused);

        SdpConformance.Check(answer, offer).Should().BeEmpty();
        refused.Should().BeEmpty();
        var offeredMids = offer.MediaDescriptions.Select(m => m.Mid).ToList();
        answer.BundleMids.Should().Equal(offeredMids, "every audio, video and data section is accepted into BUNDLE");
        answer.MediaDescriptions.Should().OnlyContain(m => m.Port == 40000 && m.Connection == SdpConnection.Ipv4("127.0.0.1"));
        // The answer survives its own parser (what the browser will read).
        SessionDescription.TryParse(answer.ToString(), out var reparsed, out var error).Should().BeTrue(error.ToString());
        SdpConformance.Check(reparsed!, offer).Should().BeEmpty();
    }

    [Test]
    public void Firefox_bundle_only_sections_are_accepted_not_rejected()
    {
        var offer = Parse("firefox-simulcast-offer");
        var audio = offer.MediaDescriptions[1];
        audio.Port.Should().Be(0);
        audio.BundleOnly.Should().BeTrue();
        audio.IsRejected.Should().BeFalse("RFC 8843 §6: bundle-only shares the BUNDLE transport");
        offer.Fingerprints.Should().HaveCount(1, "Firefox puts a=fingerprint at session level");

        var answer = SdpBuilder.CreateAnswer(offer, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions(), "1", 1);

        var answered = answer.MediaDescriptions[1];
        answered.IsRejected.Should().BeFalse();
        answered.BundleOnly.Should().BeFalse();
        answered.Formats.Should().Equal("109");
        answered.Connection.Should().NotBeNull();
        var video = answer.MediaDescriptions[0];
        video.Rids.Select(r => r.Id).Should().Equal("q", "h", "f");
        video.Simulcast!.RecvRids.Should().Equal("q", "h", "f");
        answer.ToString().Should().NotContain("a=bundle-only");
    }

    [Test]
    public void A_bundle_only_flag_round_trips_and_port_zero_alone_still_rejects()
    {
        var media = new SdpMediaDescription { Media = "audio", Protocol = "UDP/TLS/RTP/SAVPF", Port = 0, Formats = ["111"] };
        media.IsRejected.Should().BeTrue();
        media.BundleOnly = true;
        media.IsRejected.Should().BeFalse();
        var sdp = SdpBuilder.CreateSession("1", 1, iceLite: false);
        sdp.MediaDescriptions.Add(media);
        sdp.ToString().Should().Contain("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=bundle-only\r\n");
        SessionDescription.TryParse(sdp.ToString(), out var parsed, out _).Should().BeTrue();
        parsed!.MediaDescriptions[0].BundleOnly.Should().BeTrue();
        SessionDescription.TryParse(sdp.ToString().Replace("a=bundle-only", "a=bundle-only:x"), out _, out var error).Should().BeFalse("bundle-only is a flag");
        error.Line.Should().BeGreaterThan(0);
    }

    [Test]
    public void A_refused_section_keeps_port_zero_a_c_line_and_no_transport_and_the_reason_is_reported()
    {
        var text = SdpFixtures.Load("firefox-simulcast-offer");
        // Firefox's bundle-only audio section, with only codecs the SFU does not take.
        text = text.Replace("m=audio 0 UDP/TLS/RTP/SAVPF 109 9 0 8 101", "m=audio 0 UDP/TLS/RTP/SAVPF 9 0 8 101");
        var offer = Parse(text, isText: true);
        var refused = new List<SdpRefusedSection>();

        var answer = SdpBuilder.CreateAnswer(offer, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions(), "1", 1, refused);

        SdpConformance.Check(answer, offer).Should().BeEmpty();
        var audio = answer.MediaDescriptions[1];
        audio.IsRejected.Should().BeTrue();
        audio.Connection.Should().Be(SdpConnection.Ipv4("0.0.0.0"));
        answer.BundleMids.Should().Equal("0");
        refused.Should().ContainSingle().Which.Should().Be(new SdpRefusedSection(1, "1", "audio",
            "no supported codec (offered: G722, PCMU, PCMA, telephone-event; supported: opus)"));
        answer.ToString().Should().Contain("m=audio 0 UDP/TLS/RTP/SAVPF 9 0 8 101\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n");
    }

    [Test]
    public void Unsupported_media_types_and_protocols_are_refused_with_their_reason()
    {
        var offer = Parse("chrome-audio-video-offer");
        offer.MediaDescriptions.Add(new SdpMediaDescription { Media = "text", Protocol = "UDP/TLS/RTP/SAVPF", Formats = ["98"], Mid = "2" });
        offer.MediaDescriptions.Add(new SdpMediaDescription { Media = "video", Protocol = "RTP/AVP", Formats = ["96"], Mid = "3" });
        offer.MediaDescriptions.Add(new SdpMediaDescription { Media = "application", Protocol = "UDP/DTLS/SCTP", Formats = ["webrtc-datachannel"], Mid = "4" });
        offer.MediaDescriptions.Add(new SdpMediaDescription { Media = "video", Protocol = "UDP/TLS/RTP/SAVPF", Formats = ["96"], Mid = "5", Port = 0 });
        var refused = new List<SdpRefusedSection>();

        var answer = SdpBuilder.CreateAnswer(offer, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions { AcceptDataChannel = false }, "1", 1, refused);

        SdpConformance.Check(answer, offer).Should().BeEmpty();
        refused.Select(r => (r.Index, r.Mid)).Should().Equal((2, "2"), (3, "3"), (4, "4"));
        refused[0].Reason.Should().Contain("media type text");
        refused[1].Reason.Should().Contain("RTP/AVP");
        refused[2].Reason.Should().Contain("data channels");
        answer.MediaDescriptions.Skip(2).Should().OnlyContain(m => m.IsRejected && m.Connection != null);
        answer.BundleMids.Should().Equal("0", "1");
    }

    [Test]
    public void Safari_h264_is_answered_with_its_profile_and_packetization_mode_unchanged()
    {
        var offer = Parse("safari-audio-video-offer");

        var answer = SdpBuilder.CreateAnswer(offer, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions(), "1", 1);

        var video = answer.MediaDescriptions[1];
        video.Formats.Take(4).Should().Equal("96", "97", "98", "99");
        video.FindFmtp(96)!.GetParameters().Should().Contain(new KeyValuePair<string, string>("profile-level-id", "640c1f"))
            .And.Contain(new KeyValuePair<string, string>("packetization-mode", "1"));
        video.FindFmtp(98)!.GetParameters()["profile-level-id"].Should().Be("42e01f");
        video.RtpMaps.Should().NotContain(r => r.EncodingName == "H265" || r.EncodingName == "red" || r.EncodingName == "ulpfec");
    }

    [Test]
    public void Every_truncation_of_a_firefox_offer_parses_or_fails_without_throwing()
    {
        var text = SdpFixtures.Load("firefox-simulcast-offer");
        for (var i = 0; i < text.Length; i += 7)
        {
            var act = () => SessionDescription.TryParse(text[..i], out _, out _);
            act.Should().NotThrow();
        }
    }

    private static SessionDescription Parse(string nameOrText, bool isText = false)
    {
        SessionDescription.TryParse(isText ? nameOrText : SdpFixtures.Load(nameOrText), out var sdp, out var error).Should().BeTrue(error.ToString());
        return sdp!;
    }

    private static string[] Lines(string sdp) => sdp.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
}
