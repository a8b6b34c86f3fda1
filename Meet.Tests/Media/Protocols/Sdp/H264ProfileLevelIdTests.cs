using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class H264ProfileLevelIdTests
{
    // The values Chromium, Safari and libwebrtc's own tests use (h264_profile_level_id_unittest.cc).
    [TestCase("42e01f", H264Profile.ConstrainedBaseline, 0x1F)]
    [TestCase("42c02a", H264Profile.ConstrainedBaseline, 0x2A)]
    [TestCase("4d801f", H264Profile.ConstrainedBaseline, 0x1F)]
    [TestCase("42001f", H264Profile.Baseline, 0x1F)]
    [TestCase("4d001f", H264Profile.Main, 0x1F)]
    [TestCase("640c1f", H264Profile.ConstrainedHigh, 0x1F)]
    [TestCase("640034", H264Profile.High, 0x34)]
    [TestCase("F4001F", H264Profile.PredictiveHigh444, 0x1F)]
    public void Known_profiles_are_recognised_with_their_level(string text, H264Profile profile, int level)
    {
        H264ProfileLevelId.TryParse(text, out var parsed).Should().BeTrue();

        parsed.Profile.Should().Be(profile);
        parsed.Level.Should().Be((byte)level);
        parsed.ToString().Should().Be(text.ToLowerInvariant());
    }

    [TestCase("")]
    [TestCase("42e01")]
    [TestCase("42e01f0")]
    [TestCase("zz001f")]
    [TestCase("ff001f")]
    [TestCase("420000")]
    [TestCase("+2e01f")]
    public void Malformed_or_unknown_values_are_refused(string text)
    {
        H264ProfileLevelId.TryParse(text, out _).Should().BeFalse();
    }

    [Test]
    public void Absent_parameters_mean_baseline_level_1_and_packetization_mode_0()
    {
        H264ProfileLevelId.TryRead(null, out var profile, out var mode).Should().BeTrue();
        profile.Should().Be(H264ProfileLevelId.Default);
        mode.Should().Be(0);
        H264ProfileLevelId.TryRead(new SdpFmtp(102, "level-asymmetry-allowed=1"), out profile, out mode).Should().BeTrue();
        profile.Profile.Should().Be(H264Profile.Baseline);
        H264ProfileLevelId.TryRead(new SdpFmtp(102, "packetization-mode=7;profile-level-id=42e01f"), out _, out _).Should().BeFalse();
    }

    [Test]
    public void Same_profile_and_mode_match_across_levels_and_other_combinations_do_not()
    {
        var cb31 = new SdpFmtp(96, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        var cb52 = new SdpFmtp(97, "packetization-mode=1;profile-level-id=42e034");
        var cbMode0 = new SdpFmtp(98, "packetization-mode=0;profile-level-id=42e01f");
        var baseline = new SdpFmtp(99, "packetization-mode=1;profile-level-id=42001f");

        H264ProfileLevelId.SameConfiguration(cb31, cb52).Should().BeTrue("RFC 6184 §8.2.2: levels may differ");
        H264ProfileLevelId.SameConfiguration(cb31, cbMode0).Should().BeFalse();
        H264ProfileLevelId.SameConfiguration(cb31, baseline).Should().BeFalse("Constrained Baseline is not Baseline");
    }

    [Test]
    public void The_sfu_answer_keeps_only_packetization_mode_1_h264_with_a_known_profile()
    {
        SessionDescription.TryParse(SdpFixtures.Load("chrome-audio-video-offer"), out var offer, out _).Should().BeTrue();

        var answer = SdpBuilder.CreateAnswer(offer!, SdpBuilderTests.ServerTransport(), new SdpAnswerOptions(), "1", 1);

        var h264 = answer.MediaDescriptions[1].RtpMaps.Where(r => r.EncodingName == "H264").ToList();
        h264.Select(r => r.PayloadType).Should().Equal(102, 108, 116);
        h264.Should().OnlyContain(r => answer.MediaDescriptions[1].FindFmtp(r.PayloadType)!.GetParameters()["packetization-mode"] == "1");
        // Their RTX payload types come along; the mode-0 ones' do not.
        answer.MediaDescriptions[1].Formats.Should().Contain(["103", "109", "117"]).And.NotContain(["104", "107", "114", "115", "39", "40"]);
    }

    [Test]
    public void Random_text_never_throws()
    {
        var random = new Random(12);
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 9)];
            for (var j = 0; j < chars.Length; j++)
                chars[j] = (char)random.Next(32, 127);
            var act = () => H264ProfileLevelId.TryParse(chars, out _);
            act.Should().NotThrow();
        }
    }
}
