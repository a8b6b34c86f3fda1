using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Internal;

// Last-N and top-3 audio on the SFU's forwarding path (issue 10): paused consumers carry no bytes, a
// consumer that comes back starts on a keyframe.
[TestFixture]
public sealed class ConferenceForwardingTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private static IReadOnlyList<string> VideoReceivedFrom(SimulatedSubscriber subscriber) =>
        subscriber.Server.Consumers.Where(c => c.Producer.Kind == MediaKind.Video && !c.IsPaused).Select(c => c.Producer.ParticipantId).OrderBy(x => x).ToArray();

    private static IReadOnlyList<string> AudioReceivedFrom(SimulatedSubscriber subscriber) =>
        subscriber.Server.Consumers.Where(c => c.Producer.Kind == MediaKind.Audio && !c.IsPaused).Select(c => c.Producer.ParticipantId).OrderBy(x => x).ToArray();

    [Test]
    public async Task With_last_n_two_a_subscriber_gets_two_videos_and_a_new_speaker_comes_in_on_the_next_ticks()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        var viewer = sfu.Join("viewer");
        sfu.SelectionTick();
        VideoReceivedFrom(viewer).Should().Equal(["a", "b"], "nobody has spoken: the first cameras in join order");
        AudioReceivedFrom(viewer).Should().HaveCount(3, "top-3 audio");

        // d talks for a second (5 packets per 100 ms tick at speech level).
        ushort sequence = 0;
        for (var tick = 0; tick < 10; tick++)
        {
            for (var p = 0; p < 5; p++)
                sfu.SendAudio("d", 20, sequence++);
            sfu.SelectionTick();
        }
        sfu.Module.FindSelection(InMemorySfu.MeetingId)!.DominantSpeaker.Should().Be("d");
        VideoReceivedFrom(viewer).Should().Equal("a", "d");
        AudioReceivedFrom(viewer).Should().Contain("d").And.HaveCount(3);
        VideoReceivedFrom(sfu.Participants["d"]).Should().Equal(["a", "b"], "the speaker does not see itself; the next in order fills in");
        sfu.Module.ConferenceCounters.SpeakerChanges.Should().Be(1);

        // Silence does not take the speaker away; a cough from b does not either.
        for (var tick = 0; tick < 10; tick++)
        {
            if (tick == 3)
                sfu.SendAudio("b", 15, sequence++);
            sfu.SelectionTick();
        }
        sfu.Module.FindSelection(InMemorySfu.MeetingId)!.DominantSpeaker.Should().Be("d");
    }

    [Test]
    public async Task A_subscriber_can_ask_for_fewer_videos_but_not_for_more()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        var viewer = sfu.Join("viewer");
        sfu.SelectionTick();
        VideoReceivedFrom(viewer).Should().HaveCount(3);
        viewer.Media.SetMaxVideos(1).Succeeded.Should().BeTrue();
        VideoReceivedFrom(viewer).Should().Equal("a");
        viewer.Media.SetMaxVideos(0).Succeeded.Should().BeTrue();
        VideoReceivedFrom(viewer).Should().BeEmpty("0 = audio only");
        viewer.Media.SetMaxVideos(50).Succeeded.Should().BeTrue();
        VideoReceivedFrom(viewer).Should().HaveCount(3, "never more than Media:LastN");
        viewer.Media.SetMaxVideos(-1).ErrorCode.Should().Be(400);
    }

    [Test]
    public async Task A_resumed_video_consumer_waits_for_a_keyframe()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 1);
        sfu.Join("a");
        sfu.Publish("a");
        sfu.Join("b");
        sfu.Publish("b");
        var viewer = sfu.Join("viewer");
        sfu.SelectionTick();
        var bVideo = viewer.Server.Consumers.Single(c => c.Producer.ParticipantId == "b" && c.Producer.Kind == MediaKind.Video);
        bVideo.IsPaused.Should().BeTrue("last-N 1 shows a");

        ushort sequence = 0;
        for (var tick = 0; tick < 10; tick++)
        {
            for (var p = 0; p < 5; p++)
                sfu.SendAudio("b", 25, sequence++);
            sfu.SelectionTick();
        }
        bVideo.IsPaused.Should().BeFalse();
        bVideo.CurrentLayer.Should().Be(-1, "it restarts like a layer switch: on the next keyframe");
    }
}
