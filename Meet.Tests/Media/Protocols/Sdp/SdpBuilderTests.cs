using Meet.Modules.Media.Protocols.Dtls;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Tests.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpBuilderTests
{
    internal static SdpTransportParameters ServerTransport(SdpSetupRole setup = SdpSetupRole.Passive) =>
        new("sfuU", "sfuPasswordOf22Chars00", DtlsTestPair.ServerCertificate.Fingerprint, setup)
        {
            Candidates =
            [
                new SdpCandidate { Foundation = "1", Transport = "udp", Priority = 2130706431, Address = "127.0.0.1", Port = 40000, Type = SdpCandidateType.Host },
                new SdpCandidate { Foundation = "2", Transport = "tcp", Priority = 1694498815, Address = "127.0.0.1", Port = 40001, Type = SdpCandidateType.Host, TcpType = "passive" },
            ],
        };

    [Test]
    public void Answer_to_chrome_simulcast_offer_receives_three_layers_over_ice_lite()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-simulcast-offer"));

        SessionDescription answer = SdpBuilder.CreateAnswer(offer, ServerTransport(), new SdpAnswerOptions(), "1234", 2);

        answer.IceLite.Should().BeTrue();
        answer.Origin.SessionId.Should().Be("1234");
        answer.Origin.SessionVersion.Should().Be(2);
        answer.BundleMids.Should().Equal("0", "1");
        SdpMediaDescription video = answer.MediaDescriptions[0];
        video.Mid.Should().Be("0");
        video.Direction.Should().Be(SdpDirection.RecvOnly);
        video.Setup.Should().Be(SdpSetupRole.Passive);
        video.Fingerprints.Should().Equal(SdpFingerprint.From(DtlsTestPair.ServerCertificate.Fingerprint));
        video.IceUfrag.Should().Be("sfuU");
        video.Candidates.Should().HaveCount(2);
        video.EndOfCandidates.Should().BeTrue();
        video.Port.Should().Be(40000);
        video.Connection.Should().Be(SdpConnection.Ipv4("127.0.0.1"));
        video.RtcpMux.Should().BeTrue();
        video.Rids.Should().Equal(new SdpRid("q", SdpRidDirection.Recv), new SdpRid("h", SdpRidDirection.Recv), new SdpRid("f", SdpRidDirection.Recv));
        video.Simulcast!.RecvRids.Should().Equal("q", "h", "f");
        video.Simulcast.Send.Should().BeEmpty();
        // Offered numbers are kept: VP8 96 with its RTX 97; ulpfec/red are not forwarded.
        video.Formats.Should().StartWith(["96", "97"]);
        video.RtpMaps.Select(r => r.EncodingName).Distinct().Should().BeEquivalentTo(["VP8", "rtx", "H264", "VP9", "AV1"]);
        video.FindFmtp(97)!.AssociatedPayloadType.Should().Be(96);
        video.Extmaps.Select(e => (e.Id, e.Uri)).Should().BeEquivalentTo(new[]
        {
            (2, SdpAnswerOptions.AbsSendTimeUri), (4, SdpAnswerOptions.TransportWideCcUri), (9, SdpAnswerOptions.MidUri),
            (10, SdpAnswerOptions.RidUri), (11, SdpAnswerOptions.RepairedRidUri),
        });
        video.RtcpFeedbacks.Should().Contain(new SdpRtcpFeedback(96, "nack", "pli")).And.NotContain(f => f.PayloadType == 97);
        SdpMediaDescription audio = answer.MediaDescriptions[1];
        audio.Formats.Should().Equal(["63", "111"], "RED (RFC 2198) for Opus first, so Chromium sends it (issue 11)");
        audio.FindExtmapId(SdpAnswerOptions.AudioLevelUri).Should().Be(12);
    }

    [Test]
    public void Answer_reserialises_and_parses_back_to_the_same_document()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-audio-video-offer"));
        SessionDescription answer = SdpBuilder.CreateAnswer(offer, ServerTransport(), new SdpAnswerOptions(), SdpBuilder.NewSessionId());

        SessionDescription reparsed = Parse(answer.ToString());

        reparsed.Should().BeEquivalentTo(answer, o => o.WithStrictOrdering());
        reparsed.ToString().Should().Contain("a=ice-lite\r\n").And.Contain("a=setup:passive\r\n").And.Contain("a=end-of-candidates\r\n");
    }

    [Test]
    public void Sections_without_an_accepted_codec_are_rejected_and_left_out_of_bundle()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-audio-video-offer"));

        SessionDescription answer = SdpBuilder.CreateAnswer(offer, ServerTransport(), new SdpAnswerOptions { VideoCodecs = ["H265"] }, "1");

        SdpMediaDescription video = answer.MediaDescriptions.Single(m => m.Media == "video");
        video.IsRejected.Should().BeTrue();
        video.Mid.Should().NotBeNull();
        answer.BundleMids.Should().NotContain(video.Mid!).And.ContainSingle();
        answer.MediaDescriptions.Should().HaveCount(offer.MediaDescriptions.Count, "an answer keeps every offered m-section (RFC 3264 §6)");
    }

    [Test]
    public void Codec_filter_narrows_accepted_payload_types_and_their_rtx()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-simulcast-offer"));
        var options = new SdpAnswerOptions
        {
            VideoCodecs = ["H264"],
            AcceptCodec = (_, fmtp) => fmtp?.GetParameters().GetValueOrDefault("packetization-mode") == "1",
        };

        SdpMediaDescription video = SdpBuilder.CreateAnswer(offer, ServerTransport(), options, "1").MediaDescriptions[0];

        video.RtpMaps.Where(r => r.EncodingName == "H264").Select(r => r.PayloadType).Should().Equal(102, 108, 116);
        video.RtpMaps.Where(r => r.EncodingName == "rtx").Select(r => r.PayloadType).Should().Equal(103, 109, 117);
    }

    [Test]
    public void Data_channel_offer_is_answered_with_sctp_parameters()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-data-channel-offer"));

        SdpMediaDescription application = SdpBuilder.CreateAnswer(offer, ServerTransport(), new SdpAnswerOptions { MaxMessageSize = 65536 }, "1")
            .MediaDescriptions.Single();

        application.IsRejected.Should().BeFalse();
        application.SctpPort.Should().Be(5000);
        application.MaxMessageSize.Should().Be(65536);
        application.Formats.Should().Equal("webrtc-datachannel");
        application.RtcpMux.Should().BeFalse();
    }

    [Test]
    public void Answer_with_actpass_setup_is_a_programming_error()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-data-channel-offer"));

        FluentActions.Invoking(() => SdpBuilder.CreateAnswer(offer, ServerTransport(SdpSetupRole.ActPass), new SdpAnswerOptions(), "1"))
            .Should().Throw<ArgumentException>();
    }

    [Test]
    public void Server_offer_skeleton_carries_ice_lite_actpass_and_bundle()
    {
        SessionDescription offer = SdpBuilder.CreateSession(SdpBuilder.NewSessionId(), 1, iceLite: true);
        var audio = new SdpMediaDescription
        {
            Media = "audio",
            Protocol = "UDP/TLS/RTP/SAVPF",
            Formats = ["111"],
            Mid = "0",
            Direction = SdpDirection.SendOnly,
            RtpMaps = [new SdpRtpMap(111, "opus", 48000, 2)],
            Fmtps = [new SdpFmtp(111, "minptime=10;useinbandfec=1")],
            Msids = [new SdpMsid("stream", "track")],
            Ssrcs = [new SdpSsrc(1234, "cname", "sfu")],
        };
        SdpBuilder.ApplyTransport(audio, ServerTransport(SdpSetupRole.ActPass));
        SdpMediaDescription data = SdpBuilder.CreateDataChannelSection("1");
        SdpBuilder.ApplyTransport(data, ServerTransport(SdpSetupRole.ActPass));
        offer.MediaDescriptions.AddRange([audio, data]);
        SdpBuilder.SetBundle(offer);

        string text = offer.ToString();
        SessionDescription parsed = Parse(text);

        parsed.BundleMids.Should().Equal("0", "1");
        parsed.IceLite.Should().BeTrue();
        parsed.MediaDescriptions.Should().OnlyContain(m => m.Setup == SdpSetupRole.ActPass);
        parsed.MediaDescriptions[0].Fingerprints[0].TryToDtls(out DtlsFingerprint? fingerprint).Should().BeTrue();
        fingerprint.Should().Be(DtlsTestPair.ServerCertificate.Fingerprint);
        text.Should().StartWith("v=0\r\no=- ").And.Contain("\r\nt=0 0\r\n").And.Contain("a=msid-semantic: WMS\r\n");
    }

    [TestCase(SdpSetupRole.Active, DtlsRole.Client)]
    [TestCase(SdpSetupRole.Passive, DtlsRole.Server)]
    public void Negotiated_setup_maps_to_the_dtls_role(SdpSetupRole setup, DtlsRole role)
    {
        SdpBuilder.ToDtlsRole(setup).Should().Be(role);
    }

    [Test]
    public void Unresolved_actpass_has_no_dtls_role()
    {
        FluentActions.Invoking(() => SdpBuilder.ToDtlsRole(SdpSetupRole.ActPass)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Session_ids_are_random_positive_63_bit_numbers()
    {
        string[] ids = Enumerable.Range(0, 20).Select(_ => SdpBuilder.NewSessionId()).ToArray();

        ids.Should().OnlyHaveUniqueItems();
        ids.Should().OnlyContain(id => ulong.Parse(id) > 0 && ulong.Parse(id) <= long.MaxValue);
    }

    private static SessionDescription Parse(string text)
    {
        SessionDescription.TryParse(text, out SessionDescription? sdp, out SdpParseError error).Should().BeTrue(error.ToString());
        return sdp!;
    }

    [Test]
    public void Red_offered_for_opus_is_accepted_and_listed_first_so_chromium_sends_it()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-audio-video-offer"));

        SessionDescription answer = SdpBuilder.CreateAnswer(offer, ServerTransport(), new SdpAnswerOptions(), "1");

        SdpMediaDescription audio = answer.MediaDescriptions[0];
        audio.Formats.Should().Equal("63", "111");
        audio.Fmtps.Should().Contain(new SdpFmtp(63, "111/111"));
        answer.MediaDescriptions[1].RtpMaps.Should().NotContain(r => r.EncodingName == "red", "video RED (ULPFEC) is not forwarded");
    }

    [Test]
    public void Red_is_declined_when_turned_off_or_when_its_blocks_name_a_codec_not_accepted()
    {
        SessionDescription offer = Parse(SdpFixtures.Load("chrome-audio-video-offer"));
        SdpBuilder.CreateAnswer(offer, ServerTransport(), new SdpAnswerOptions { AcceptRed = false }, "1")
            .MediaDescriptions[0].Formats.Should().Equal("111");

        SessionDescription g722 = Parse(SdpFixtures.Load("chrome-audio-video-offer").Replace("a=fmtp:63 111/111", "a=fmtp:63 9/9"));
        SdpBuilder.CreateAnswer(g722, ServerTransport(), new SdpAnswerOptions(), "1")
            .MediaDescriptions[0].Formats.Should().Equal("111");
    }
}
