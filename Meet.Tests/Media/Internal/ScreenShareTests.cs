using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Internal;

// Screen sharing on the SFU (issue 10): a section the publisher marks a=content:slides is a screen
// share — forwarded to everyone outside last-N, marked for the client, one per meeting by default.
[TestFixture]
public sealed class ScreenShareTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    [Test]
    public async Task A_screen_share_is_forwarded_to_everyone_even_when_its_sharers_camera_is_outside_last_n()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 1);
        foreach (var id in new[] { "a", "b", "c" })
            sfu.Join(id);
        sfu.Publish("a");
        sfu.Publish("b");
        sfu.Publish("c", screen: true);
        var viewer = sfu.Join("viewer");
        sfu.SelectionTick();

        var consumers = viewer.Server.Consumers.Where(c => c.Producer.ParticipantId == "c" && c.Producer.Kind == MediaKind.Video).ToList();
        consumers.Should().HaveCount(2);
        consumers.Single(c => c.Producer.IsScreen).IsPaused.Should().BeFalse("a screen share is always forwarded");
        consumers.Single(c => !c.Producer.IsScreen).IsPaused.Should().BeTrue("c's camera is third in order, last-N is 1");
        sfu.Participants["c"].Server.Producers.Should().Contain(p => p.IsScreen).And.Contain(p => p.Kind == MediaKind.Video && !p.IsScreen,
            "the sharer's camera continues beside the share");

        viewer.TryTakeOffer(out var offer).Should().BeTrue();
        SessionDescription.TryParse(offer.Sdp, out var sdp, out _).Should().BeTrue();
        sdp!.MediaDescriptions.Where(m => m.Attributes.Any(a => a.Name == "content" && a.Value == "slides"))
            .Select(m => m.Msids.Single().TrackId).Should().Equal("screen");
    }

    [Test]
    public async Task A_second_share_is_refused_with_a_coded_error_until_the_first_one_stops()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout);
        sfu.Join("a");
        sfu.Join("b");
        sfu.Publish("a", screen: true);
        sfu.Publish("b");

        var refused = sfu.TryPublish("b", screen: true);
        refused.ErrorCode.Should().Be(409);
        refused.ErrorMessage.Should().StartWith("screen_share_limit");
        sfu.Participants["b"].Server.Producers.Should().NotContain(p => p.IsScreen, "a refused offer changes nothing");

        sfu.Publish("a");
        sfu.Participants["a"].Server.Producers.Should().NotContain(p => p.IsScreen, "a stopped sharing");
        sfu.TryPublish("b", screen: true).Succeeded.Should().BeTrue();
    }

    [Test]
    public async Task With_bounded_slots_a_share_gets_its_own_slot_beside_the_n_video_slots()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = sfu.Join("viewer");
        foreach (var id in new[] { "a", "b", "c" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        sfu.Publish("c", screen: true);
        foreach (var participant in sfu.Participants.Values)
        {
            while (participant.HasOffer)
                participant.AnswerNext().Succeeded.Should().BeTrue();
        }
        sfu.SelectionTick();

        viewer.SlotAssignments.Where(s => s.Kind == "screen").Select(s => s.ParticipantId).Should().Equal("c");
        viewer.SlotAssignments.Where(s => s.Kind == "video" && s.ParticipantId is not null).Should().HaveCount(2);
        var agreed = viewer.AgreedOffer()!;
        agreed.MediaDescriptions.Count(m => m.Media == "video").Should().Be(4, "two grid slots, the speaker slot and the screen slot");
        agreed.MediaDescriptions.Count(m => m.Attributes.Any(a => a.Name == "content" && a.Value == "slides")).Should().Be(1);
    }

    [Test]
    public async Task A_host_can_allow_more_shares_at_run_time_and_each_gets_a_slot()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = sfu.Join("viewer");
        foreach (var id in new[] { "a", "b", "c" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        sfu.Publish("a", screen: true);
        sfu.TryPublish("b", screen: true).ErrorCode.Should().Be(409, "Media:MaxScreenShares is 1");

        sfu.Participants["a"].Media.SetMaxScreenShares(0).ErrorCode.Should().Be(400);
        sfu.Participants["a"].Media.SetMaxScreenShares(9).ErrorCode.Should().Be(400);
        sfu.Participants["a"].Media.SetMaxScreenShares(2).Succeeded.Should().BeTrue();
        sfu.TryPublish("b", screen: true).Succeeded.Should().BeTrue("the meeting now allows two");
        sfu.TryPublish("c", screen: true).ErrorCode.Should().Be(409, "but not three");
        foreach (var participant in sfu.Participants.Values)
        {
            while (participant.HasOffer)
                participant.AnswerNext().Succeeded.Should().BeTrue();
        }
        sfu.SelectionTick();

        viewer.SlotAssignments.Where(s => s.Kind == "screen").Select(s => s.ParticipantId).Should().BeEquivalentTo(["a", "b"]);
        viewer.AgreedOffer()!.MediaDescriptions.Count(m => m.Attributes.Any(a => a.Name == "content" && a.Value == "slides")).Should().Be(2);

        sfu.Participants["a"].Media.SetMaxScreenShares(1).Succeeded.Should().BeTrue();
        sfu.Participants["b"].Server.Producers.Should().Contain(p => p.IsScreen, "a lower limit stops no share already running");
    }
}
