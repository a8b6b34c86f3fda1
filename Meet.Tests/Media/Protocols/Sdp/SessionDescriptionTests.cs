using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SessionDescriptionTests
{
    private static IEnumerable<string> Fixtures => SdpFixtures.Names;

    [TestCaseSource(nameof(Fixtures))]
    public void Chrome_fixture_parses_and_reserialises_to_an_equivalent_document(string name)
    {
        string original = SdpFixtures.Load(name);

        SessionDescription.TryParse(original, out SessionDescription? parsed, out SdpParseError error).Should().BeTrue(error.ToString());
        string written = parsed!.ToString();
        SessionDescription.TryParse(written, out SessionDescription? reparsed, out error).Should().BeTrue(error.ToString());

        reparsed.Should().BeEquivalentTo(parsed, o => o.WithStrictOrdering());
        Lines(written).Should().BeEquivalentTo(Lines(original));
        written.Should().Be(original, "the writer uses Chrome's attribute order");
    }

    [Test]
    public void Simulcast_offer_exposes_rids_simulcast_extmaps_and_codecs()
    {
        SessionDescription sdp = Parse("chrome-simulcast-offer");

        sdp.BundleMids.Should().Equal("0", "1");
        sdp.ExtmapAllowMixed.Should().BeTrue();
        SdpMediaDescription video = sdp.MediaDescriptions[0];
        video.Media.Should().Be("video");
        video.Protocol.Should().Be("UDP/TLS/RTP/SAVPF");
        video.Mid.Should().Be("0");
        video.Direction.Should().Be(SdpDirection.SendOnly);
        video.Setup.Should().Be(SdpSetupRole.ActPass);
        video.RtcpMux.Should().BeTrue();
        video.RtcpRsize.Should().BeTrue();
        video.Rids.Select(r => r.Id).Should().Equal("q", "h", "f");
        video.Rids.Should().OnlyContain(r => r.Direction == SdpRidDirection.Send);
        video.Simulcast!.SendRids.Should().Equal("q", "h", "f");
        video.Simulcast.Recv.Should().BeEmpty();
        video.FindExtmapId("urn:ietf:params:rtp-hdrext:sdes:mid").Should().Be(9);
        video.FindExtmapId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id").Should().Be(10);
        video.FindExtmapId("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id").Should().Be(11);
        video.FindExtmapId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01").Should().Be(4);
        video.FindExtmapId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time").Should().Be(2);
        video.Formats.Should().StartWith(["96", "97", "102"]);
        video.FindRtpMap(96).Should().Be(new SdpRtpMap(96, "VP8", 90000));
        video.FindFmtp(97)!.AssociatedPayloadType.Should().Be(96);
        video.FindFmtp(102)!.GetParameters()["profile-level-id"].Should().Be("42001f");
        video.RtcpFeedbacks.Should().Contain(new SdpRtcpFeedback(96, "nack", "pli"));
        video.RtcpFeedbacks.Should().Contain(new SdpRtcpFeedback(96, "transport-cc"));
        video.Attributes.Should().ContainSingle().Which.Should().Be(new SdpAttribute("rtcp-xr", "rcvr-rtt=all"));
        video.Fingerprints.Should().ContainSingle();
        video.Fingerprints[0].Algorithm.Should().Be("sha-256");
        video.Fingerprints[0].TryToDtls(out DtlsFingerprint? fingerprint).Should().BeTrue();
        fingerprint!.Digest.Length.Should().Be(32);
        video.Candidates.Should().HaveCount(2);
        video.Candidates[0].Type.Should().Be(SdpCandidateType.Host);
        video.Candidates[0].Transport.Should().Be("udp");
        video.Candidates[0].Address.Should().Be("127.0.0.1");
        video.Candidates[0].Port.Should().Be(video.Port);
        video.Candidates[1].TcpType.Should().Be("active");
        SdpMediaDescription audio = sdp.MediaDescriptions[1];
        audio.FindExtmapId("urn:ietf:params:rtp-hdrext:ssrc-audio-level").Should().Be(12);
        audio.FindRtpMap(111).Should().Be(new SdpRtpMap(111, "opus", 48000, 2));
        audio.FindFmtp(111)!.GetParameters()["useinbandfec"].Should().Be("1");
        audio.Ssrcs.Should().Contain(s => s.Attribute == "cname");
    }

    [Test]
    public void Chrome_answering_a_simulcast_offer_declines_simulcast()
    {
        // A browser cannot receive simulcast, so it drops a=rid/a=simulcast from its answer (RFC 8853 §5.3):
        // only an SFU answers "recv q;h;f" (see SdpBuilderTests).
        SdpMediaDescription video = Parse("chrome-simulcast-answer").MediaDescriptions[0];

        video.Direction.Should().Be(SdpDirection.RecvOnly);
        video.Setup.Should().Be(SdpSetupRole.Active);
        video.Rids.Should().BeEmpty();
        video.Simulcast.Should().BeNull();
    }

    [Test]
    public void Audio_video_offer_pairs_video_with_its_rtx_stream()
    {
        SessionDescription sdp = Parse("chrome-audio-video-offer");

        SdpMediaDescription video = sdp.MediaDescriptions.Single(m => m.Media == "video");
        SdpSsrcGroup fid = video.SsrcGroups.Should().ContainSingle().Subject;
        fid.Semantics.Should().Be("FID");
        fid.Ssrcs.Should().HaveCount(2);
        video.Ssrcs.Select(s => s.Ssrc).Distinct().Should().BeEquivalentTo(fid.Ssrcs);
        video.Msids.Should().ContainSingle().Which.TrackId.Should().NotBeNullOrEmpty();
        sdp.MsidSemantic!.Ids.Should().ContainSingle().Which.Should().Be(video.Msids[0].StreamId);
    }

    [Test]
    public void Screen_share_offer_is_a_send_only_video_section()
    {
        SessionDescription sdp = Parse("chrome-screen-share-offer");

        sdp.MediaDescriptions.Should().ContainSingle();
        sdp.MediaDescriptions[0].Media.Should().Be("video");
        sdp.MediaDescriptions[0].Direction.Should().Be(SdpDirection.SendOnly);
        sdp.MediaDescriptions[0].Ssrcs.Should().NotBeEmpty();
    }

    [Test]
    public void Data_channel_offer_describes_sctp_over_dtls()
    {
        SdpMediaDescription application = Parse("chrome-data-channel-offer").MediaDescriptions.Single();

        application.Media.Should().Be("application");
        application.Protocol.Should().Be("UDP/DTLS/SCTP");
        application.Formats.Should().Equal("webrtc-datachannel");
        application.SctpPort.Should().Be(5000);
        application.MaxMessageSize.Should().Be(262144);
        application.Direction.Should().BeNull();
    }

    [Test]
    public void Unknown_attributes_are_preserved_in_order()
    {
        string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x-one:1\r\na=x-two\r\na=x-three:a b c\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=x-four:4\r\na=x-five\r\n";

        SessionDescription sdp = ParseText(text);

        sdp.Attributes.Should().Equal(new SdpAttribute("x-one", "1"), new SdpAttribute("x-two"), new SdpAttribute("x-three", "a b c"));
        sdp.MediaDescriptions[0].Attributes.Should().Equal(new SdpAttribute("x-four", "4"), new SdpAttribute("x-five"));
        sdp.ToString().Should().Be(text);
    }

    [Test]
    public void End_of_candidates_ice_lite_and_session_level_attributes_round_trip()
    {
        string text = "v=0\r\no=meet 42 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nb=AS:2000\r\nt=0 0\r\n"
            + "a=ice-lite\r\na=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\na=setup:passive\r\na=sendrecv\r\n"
            + "m=video 50000 UDP/TLS/RTP/SAVPF 96\r\nb=TIAS:1500000\r\n"
            + "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host\r\na=end-of-candidates\r\n"
            + "a=mid:v\r\na=extmap:3/recvonly urn:example:ext attr\r\na=inactive\r\na=rtcp-mux\r\na=rtcp-mux-only\r\n"
            + "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:* nack\r\n";

        SessionDescription sdp = ParseText(text);

        sdp.IceLite.Should().BeTrue();
        sdp.Setup.Should().Be(SdpSetupRole.Passive);
        sdp.Direction.Should().Be(SdpDirection.SendRecv);
        sdp.Bandwidths.Should().Equal(new SdpBandwidth("AS", 2000));
        SdpMediaDescription m = sdp.MediaDescriptions[0];
        m.EndOfCandidates.Should().BeTrue();
        m.Extmaps[0].Should().Be(new SdpExtmap(3, "urn:example:ext", SdpDirection.RecvOnly, "attr"));
        m.RtcpFeedbacks[0].PayloadType.Should().BeNull();
        sdp.ToString().Should().Be(text);
    }

    [Test]
    public void Bare_lf_line_endings_are_accepted()
    {
        string text = SdpFixtures.Load("chrome-data-channel-offer").Replace("\r\n", "\n");

        SessionDescription.TryParse(text, out SessionDescription? sdp, out _).Should().BeTrue();

        sdp!.MediaDescriptions.Should().ContainSingle();
    }

    [TestCase("", SdpParseErrorKind.MissingRequiredLine, 0)]
    [TestCase("o=- 1 1 IN IP4 0.0.0.0\r\n", SdpParseErrorKind.MissingRequiredLine, 1)]
    [TestCase("v=1\r\n", SdpParseErrorKind.MissingRequiredLine, 1)]
    [TestCase("v=0\r\ns=-\r\n", SdpParseErrorKind.MissingRequiredLine, 2)]
    [TestCase("v=0\r\no=- x 1 IN IP4 0.0.0.0\r\ns=-\r\n", SdpParseErrorKind.InvalidValue, 2)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", SdpParseErrorKind.MissingRequiredLine, 0)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nx=1\r\n", SdpParseErrorKind.UnknownLineType, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nthis is not sdp\r\n", SdpParseErrorKind.MalformedLine, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nr=7d 1h 0 25h\r\n", SdpParseErrorKind.MisplacedLine, 4)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\nt=0 0\r\n", SdpParseErrorKind.MisplacedLine, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 99999 RTP/AVP 0\r\n", SdpParseErrorKind.InvalidValue, 4)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio\r\n", SdpParseErrorKind.InvalidValue, 4)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:200 PCMU/8000\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=mid:1\r\n", SdpParseErrorKind.InvalidValue, 6)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\n", SdpParseErrorKind.InvalidValue, 6)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 RTP/AVP 0\r\na=setup:sideways\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 9 RTP/AVP 96\r\na=simulcast:send\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 9 RTP/AVP 96\r\na=rid:q sideways\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 9 RTP/AVP 96\r\na=candidate:1 1 udp x 1.2.3.4 9 typ host\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 9 RTP/AVP 96\r\na=ssrc-group:FID 1 x\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 9 RTP/AVP 96\r\na=rtcp-mux:yes\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:70000\r\n", SdpParseErrorKind.InvalidValue, 5)]
    [TestCase("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\na=\r\n", SdpParseErrorKind.MalformedLine, 4)]
    public void Malformed_input_is_rejected_with_a_typed_error_naming_the_line(string text, SdpParseErrorKind kind, int line)
    {
        SessionDescription.TryParse(text, out SessionDescription? sdp, out SdpParseError error).Should().BeFalse();

        sdp.Should().BeNull();
        error.Kind.Should().Be(kind, error.ToString());
        error.Line.Should().Be(line, error.ToString());
        error.Message.Should().NotBeNullOrEmpty();
    }

    [Test]
    public void Oversized_documents_and_lines_are_rejected()
    {
        string header = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n";

        SessionDescription.TryParse(header + new string('a', SessionDescription.MaxLength), out _, out SdpParseError tooLarge).Should().BeFalse();
        SessionDescription.TryParse(header + "a=x:" + new string('a', SessionDescription.MaxLineLength) + "\r\n", out _, out SdpParseError tooLong).Should().BeFalse();
        SessionDescription.TryParse(header + string.Concat(Enumerable.Repeat("a=x\n", SessionDescription.MaxLines)), out _, out SdpParseError tooMany).Should().BeFalse();

        tooLarge.Kind.Should().Be(SdpParseErrorKind.TooLarge);
        tooLong.Kind.Should().Be(SdpParseErrorKind.LineTooLong);
        tooLong.Line.Should().Be(4);
        tooMany.Kind.Should().Be(SdpParseErrorKind.TooLarge);
    }

    [Test]
    public void Every_truncation_of_a_chrome_offer_parses_or_fails_without_throwing()
    {
        string offer = SdpFixtures.Load("chrome-simulcast-offer");
        int failures = 0;

        for (int length = 0; length <= offer.Length; length++)
        {
            if (!SessionDescription.TryParse(offer[..length], out SessionDescription? sdp, out SdpParseError error))
            {
                failures++;
                error.Kind.Should().NotBe(SdpParseErrorKind.None);
            }
            else
            {
                sdp.Should().NotBeNull();
            }
        }

        // Cuts inside the first three lines or inside a typed attribute's value must fail.
        failures.Should().BeGreaterThan(0);
    }

    [Test]
    public void Random_text_never_throws()
    {
        Prop.ForAll<string>(text =>
        {
            bool parsed = SessionDescription.TryParse(text, out SessionDescription? sdp, out SdpParseError error);
            return parsed ? sdp is not null : error.Kind != SdpParseErrorKind.None;
        }).QuickCheckThrowOnFailure();
    }

    [Test]
    public void Randomly_corrupted_chrome_offers_never_throw_and_valid_results_reserialise()
    {
        string offer = SdpFixtures.Load("chrome-audio-video-offer");
        Gen<string> corrupted =
            from position in Gen.Choose(0, offer.Length - 1)
            from replacement in Gen.Elements(' ', ':', '/', '=', '\n', '\r', ';', ',', '~', 'x', '0', '9', '-', '\0', 'é')
            select offer[..position] + replacement + offer[(position + 1)..];

        Prop.ForAll(corrupted.ToArbitrary(), text =>
        {
            if (!SessionDescription.TryParse(text, out SessionDescription? sdp, out _))
            {
                return true;
            }

            // Whatever parsed must survive its own serialisation.
            return SessionDescription.TryParse(sdp.ToString(), out SessionDescription? again, out _)
                && again.MediaDescriptions.Count == sdp.MediaDescriptions.Count;
        }).QuickCheckThrowOnFailure();
    }

    private static SessionDescription Parse(string fixture) => ParseText(SdpFixtures.Load(fixture));

    private static SessionDescription ParseText(string text)
    {
        SessionDescription.TryParse(text, out SessionDescription? sdp, out SdpParseError error).Should().BeTrue(error.ToString());
        return sdp!;
    }

    private static string[] Lines(string text) => text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
}
