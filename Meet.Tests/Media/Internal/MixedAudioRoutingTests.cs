using Meet.Modules.Media;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Internal;

// A `mix` meeting's routing (issue 17): one audio slot per listener fed by the mixer, no audio
// consumers, the selection's top 3 mixed, and the mixer gone with the meeting.
[TestFixture]
public sealed class MixedAudioRoutingTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private static async Task<InMemorySfu> MeetingAsync(AudioMode mode, params string[] ids)
    {
        var sfu = new InMemorySfu(AnswerTimeout, audioMode: mode);
        foreach (var id in ids)
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        foreach (var participant in sfu.Participants.Values)
        {
            while (participant.HasOffer)
                participant.AnswerNext().Succeeded.Should().BeTrue();
        }
        await Task.CompletedTask;
        return sfu;
    }

    [Test]
    public async Task Each_listener_has_one_audio_section_carrying_the_mix_and_video_is_still_forwarded()
    {
        await using var sfu = await MeetingAsync(AudioMode.Mix, "a", "b", "c", "d", "e");

        var offer = sfu.Participants["a"].AgreedOffer()!;
        var audio = offer.MediaDescriptions.Where(m => m.Media == "audio").ToList();
        audio.Should().ContainSingle("five talkers, one mixed stream");
        audio[0].Direction.Should().Be(SdpDirection.SendOnly);
        audio[0].Msids.Single().StreamId.Should().Be(MixListener.StreamId);
        audio[0].FindExtmapId(RtpExtensionUris.AudioLevel).Should().Be(SubscriberAllocator.MixedAudioLevelExtensionId);
        audio[0].RtpMaps.Single().EncodingName.Should().BeEquivalentTo("opus");
        offer.MediaDescriptions.Count(m => m.Media == "video" && m.Direction == SdpDirection.SendOnly).Should().Be(4);
        sfu.Participants["a"].Server.Member.Subscribing.Consumers.Should().OnlyContain(c => c.Producer.Kind == MediaKind.Video);
    }

    [Test]
    public async Task A_forwarding_meeting_keeps_one_audio_section_per_publisher()
    {
        await using var sfu = await MeetingAsync(AudioMode.Forward, "a", "b", "c");

        sfu.Participants["a"].AgreedOffer()!.MediaDescriptions.Count(m => m.Media == "audio").Should().Be(2);
        sfu.Module.FindRouter(InMemorySfu.MeetingId)!.Mixer.Should().BeNull();
    }

    [Test]
    public async Task The_mixer_takes_the_top_three_speakers_packets_and_leaves_with_the_meeting()
    {
        await using var sfu = await MeetingAsync(AudioMode.Mix, "a", "b", "c", "d");
        var router = sfu.Module.FindRouter(InMemorySfu.MeetingId)!;
        var mixer = router.Mixer!;
        router.AudioMode.Should().Be(AudioMode.Mix);
        mixer.Listeners.Select(l => l.ParticipantId).Should().BeEquivalentTo(["a", "b", "c", "d"]);
        mixer.MixFrame(sfu.Module.Sender);
        var mixed = Enumerable.Range(0, 3).Select(k => mixer.Channel(k).ParticipantId).ToArray();
        mixed.Should().BeEquivalentTo(sfu.Module.FindSelection(InMemorySfu.MeetingId)!.Audible);

        var outsider = sfu.Participants.Keys.Single(id => !mixed.Contains(id));
        Send(sfu, mixed[0]!);
        Send(sfu, outsider);
        sfu.Module.MixerCounters.PacketsIn.Should().Be(1, "only the top three are decoded");

        foreach (var id in sfu.Participants.Keys.ToList())
            await sfu.LeaveAsync(id);
        mixer.IsClosed.Should().BeTrue();
        sfu.Module.Mixers.MixerCount.Should().Be(0);
    }

    private static void Send(InMemorySfu sfu, string publisherId)
    {
        var producer = sfu.Participants[publisherId].Server.Member.Publishing.Producers.Single(p => p.Kind == MediaKind.Audio);
        var buffer = new byte[200];
        var writer = new RtpPacketWriter(buffer, 111, 7, 960, 0x1111);
        writer.TryComplete(new byte[40], 0, out var length).Should().BeTrue();
        RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
        producer.OnRtp(buffer.AsSpan(0, length), header, 0, sfu.Module.Sender);
    }
}
