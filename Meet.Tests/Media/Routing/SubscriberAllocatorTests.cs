using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Routing;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Bounded subscriber slots (issue 10): a subscriber's PeerConnection has min(LastN, its limit) grid video
// slots, one speaker slot and 3 audio slots whatever the meeting's size; the allocator remaps publishers
// onto them, pinned participants first.
[TestFixture]
public sealed class SubscriberAllocatorTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private static void AnswerAll(SimulatedSubscriber participant)
    {
        while (participant.HasOffer)
            participant.AnswerNext().Succeeded.Should().BeTrue();
    }

    // A viewer, then cameras that join and publish; every offer answered.
    private static SimulatedSubscriber ViewerAndCameras(InMemorySfu sfu, params string[] cameras)
    {
        var viewer = sfu.Join("viewer");
        foreach (var id in cameras)
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        foreach (var participant in sfu.Participants.Values)
            AnswerAll(participant);
        return viewer;
    }

    private static (int Video, int Audio) Sections(SimulatedSubscriber participant)
    {
        var offer = participant.AgreedOffer();
        if (offer is null)
            return (0, 0);
        return (offer.MediaDescriptions.Count(m => m.Media == "video"), offer.MediaDescriptions.Count(m => m.Media == "audio"));
    }

    private static string[] Shown(SimulatedSubscriber participant, string kind) =>
        participant.SlotAssignments.Where(s => s.Kind == kind && s.ParticipantId is not null).Select(s => s.ParticipantId!).OrderBy(x => x, StringComparer.Ordinal).ToArray();

    private static void Talk(InMemorySfu sfu, string publisherId, ref ushort sequence)
    {
        var producer = sfu.Participants[publisherId].Server.Producers.Single(p => p.Kind == MediaKind.Audio);
        var buffer = new byte[200];
        for (var i = 0; i < 5; i++)
        {
            var writer = new RtpPacketWriter(buffer, 111, sequence, sequence * 960u, 0x1111, marker: false);
            sequence++;
            writer.AddExtension(InMemorySfu.AudioLevelExtensionId, [20]);
            writer.TryComplete(new byte[40], 0, out var length).Should().BeTrue();
            RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
            producer.OnRtp(buffer.AsSpan(0, length), header, 0, sfu.Module.Sender);
        }
    }

    [Test]
    public async Task A_viewer_has_n_video_and_three_audio_sections_and_later_joins_renegotiate_nobody()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = sfu.Join("viewer");
        sfu.Join("p0");
        sfu.Publish("p0");
        AnswerAll(viewer);
        var offersAfterFirstPublisher = viewer.OffersReceived;
        Sections(viewer).Should().Be((3, 3), "two grid slots and the speaker slot");

        for (var i = 1; i < 8; i++)
        {
            sfu.Join("p" + i);
            sfu.Publish("p" + i);
            sfu.Participants.Values.Where(p => p != viewer).ToList().ForEach(AnswerAll);
        }
        sfu.SelectionTick();

        viewer.OffersReceived.Should().Be(offersAfterFirstPublisher, "joins and new publishers remap slots, they never renegotiate");
        viewer.HasOffer.Should().BeFalse();
        Sections(viewer).Should().Be((3, 3), "the m-section count does not grow with the meeting");
        Shown(viewer, "video").Should().HaveCount(2).And.OnlyHaveUniqueItems();
        Shown(viewer, "audio").Should().HaveCount(3).And.OnlyHaveUniqueItems();
        viewer.Server.Consumers.Should().HaveCount(5, "a consumer per slot, not per publisher (nobody spoke: the speaker slot is idle)");
        Shown(viewer, "speaker").Should().BeEmpty();
        var selection = sfu.Module.FindSelection(InMemorySfu.MeetingId)!;
        Shown(viewer, "video").Should().OnlyContain(p => selection.ForwardsVideo("viewer", p, int.MaxValue));
    }

    [Test]
    public async Task A_new_speaker_takes_a_video_slot_on_the_same_ssrc_with_a_keyframe_request_and_no_offer()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = ViewerAndCameras(sfu, "a", "b", "c", "d");
        sfu.SelectionTick();
        Shown(viewer, "video").Should().Equal("a", "b");
        var offers = viewer.OffersReceived;
        SessionDescription.TryParse(viewer.AgreedOffer()!.ToString(), out var agreed, out _).Should().BeTrue();
        var videoSsrcs = agreed!.MediaDescriptions.Where(m => m.Media == "video").Select(m => m.Ssrcs[0].Ssrc).ToHashSet();
        var remapsBefore = sfu.Module.ConferenceCounters.SlotRemaps;
        var dLayer = sfu.Participants["d"].Server.Producers.Single(p => p.Kind == MediaKind.Video).Layers[0];
        var requestedBefore = dLayer.LastKeyFrameRequest;

        ushort sequence = 0;
        for (var tick = 0; tick < 10; tick++)
        {
            Talk(sfu, "d", ref sequence);
            sfu.SelectionTick();
        }

        Shown(viewer, "video").Should().Equal("a", "d");
        viewer.OffersReceived.Should().Be(offers);
        sfu.Module.ConferenceCounters.SlotRemaps.Should().BeGreaterThan(remapsBefore);
        viewer.Server.Consumers.Where(c => c.Producer.Kind == MediaKind.Video).Select(c => c.Ssrc).Should().BeSubsetOf(videoSsrcs,
            "the remapped slot keeps the SSRC its m-section announced");
        (dLayer.LastKeyFrameRequest != requestedBefore || Volatile.Read(ref dLayer.KeyFrameRequestPending) == 1)
            .Should().BeTrue("the slot's new publisher is asked for a keyframe");
    }

    [Test]
    public async Task Under_random_churn_the_slots_stay_bounded_distinct_and_inside_the_selection([Values(1, 2, 3, 4, 5)] int seed)
    {
        var random = new Random(seed);
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 3, boundedSlots: true);
        var viewer = sfu.Join("viewer");
        var next = 0;
        int? offersOnceFull = null;
        for (var step = 0; step < 60; step++)
        {
            var others = sfu.Participants.Keys.Where(k => k != "viewer").ToList();
            var roll = random.Next(10);
            if (roll < 5 || others.Count < 2)
            {
                var id = "p" + next++;
                sfu.Join(id);
                sfu.Publish(id);
            }
            else if (roll < 8)
            {
                await sfu.LeaveAsync(others[random.Next(others.Count)]);
            }
            else
            {
                ushort sequence = (ushort)(step * 5);
                Talk(sfu, others[random.Next(others.Count)], ref sequence);
            }
            foreach (var participant in sfu.Participants.Values)
                AnswerAll(participant);
            sfu.SelectionTick();

            var sections = Sections(viewer);
            if (sections != (0, 0))
            {
                sections.Should().Be((4, 3), $"seed {seed} step {step}: three grid slots and the speaker slot");
                offersOnceFull ??= viewer.OffersReceived;
            }
            var video = Shown(viewer, "video");
            var audio = Shown(viewer, "audio");
            video.Should().OnlyHaveUniqueItems().And.HaveCountLessThanOrEqualTo(3).And.NotContain("viewer");
            audio.Should().OnlyHaveUniqueItems().And.HaveCountLessThanOrEqualTo(3).And.NotContain("viewer");
            var selection = sfu.Module.FindSelection(InMemorySfu.MeetingId)!;
            video.Should().OnlyContain(p => sfu.Participants.ContainsKey(p) && selection.ForwardsVideo("viewer", p, int.MaxValue), $"seed {seed} step {step}");
            var present = sfu.Participants.Keys.Count(k => k != "viewer");
            if (sections != (0, 0))
                video.Should().HaveCount(Math.Min(3, present), $"seed {seed} step {step}: every slot shows someone while there are enough publishers");
        }
        viewer.OffersReceived.Should().Be(offersOnceFull ?? 0, "slots were created once; churn never renegotiated");
    }

    [Test]
    public async Task The_speaker_slot_follows_the_active_speaker_and_leaves_the_grid_slots_alone()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = ViewerAndCameras(sfu, "a", "b", "c");
        ushort sequence = 0;
        void TalkFor(string id)
        {
            for (var tick = 0; tick < 12; tick++)
            {
                Talk(sfu, id, ref sequence);
                sfu.SelectionTick();
            }
        }

        TalkFor("b");
        Shown(viewer, "speaker").Should().Equal("b");
        Shown(viewer, "video").Should().Equal(new[] { "a", "b" }, "the speaker is in the grid too: speaker view needs no grid remap");
        var grid = viewer.SlotAssignments.Where(s => s.Kind == "video").ToArray();
        var offers = viewer.OffersReceived;

        TalkFor("a");
        Shown(viewer, "speaker").Should().Equal("a");
        viewer.SlotAssignments.Where(s => s.Kind == "video").Should().Equal(grid, "a speaker change inside the grid remaps only the speaker slot");
        Shown(sfu.Participants["a"], "speaker").Should().Equal(new[] { "b" }, "the speaker's own speaker slot shows whom it follows");
        viewer.OffersReceived.Should().Be(offers);
    }

    [Test]
    public async Task Pinned_participants_always_take_grid_slots_up_to_the_slot_count()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = ViewerAndCameras(sfu, "a", "b", "c", "d");
        sfu.SelectionTick();
        Shown(viewer, "video").Should().Equal("a", "b");

        viewer.Media.SetPinned(["d"]).Succeeded.Should().BeTrue();
        Shown(viewer, "video").Should().Equal(new[] { "a", "d" }, "the pin takes a slot at once, the selection fills the rest");
        ushort sequence = 0;
        for (var tick = 0; tick < 12; tick++)
        {
            Talk(sfu, "c", ref sequence);
            sfu.SelectionTick();
        }
        Shown(viewer, "video").Should().Equal(new[] { "c", "d" }, "a new speaker never pushes a pinned participant out");
        Shown(viewer, "speaker").Should().Equal("c");

        viewer.Media.SetPinned(["d", "b"]).Succeeded.Should().BeTrue();
        Shown(viewer, "video").Should().Equal(new[] { "b", "d" }, "pins fill every grid slot; the speaker stays in the speaker slot");
        Shown(viewer, "speaker").Should().Equal("c");

        var tooMany = viewer.Media.SetPinned(["a", "b", "d"]);
        tooMany.ErrorCode.Should().Be(409);
        tooMany.ErrorMessage.Should().StartWith("pin_limit");
        viewer.Media.SetPinned(["viewer"]).ErrorCode.Should().Be(400, "nobody pins itself");
        viewer.Media.SetPinned(["nobody"]).ErrorCode.Should().Be(404);
        Shown(viewer, "video").Should().Equal(new[] { "b", "d" }, "a refused pin changes nothing");

        viewer.Media.SetPinned([]).Succeeded.Should().BeTrue();
        Shown(viewer, "video").Should().Equal(new[] { "a", "c" }, "unpinned: the selection again (speaker c, then join order)");
    }

    [Test]
    public async Task In_per_track_mode_a_pin_resumes_its_consumer_and_another_pauses()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2);
        var viewer = sfu.Join("viewer");
        foreach (var id in new[] { "a", "b", "c" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        sfu.SelectionTick();
        string[] Forwarded() => [.. viewer.Server.Consumers.Where(c => c.Producer.Kind == MediaKind.Video && !c.IsPaused)
            .Select(c => c.Producer.ParticipantId).Order(StringComparer.Ordinal)];
        Forwarded().Should().Equal("a", "b");

        viewer.Media.SetPinned(["c"]).Succeeded.Should().BeTrue();

        Forwarded().Should().Equal(new[] { "a", "c" }, "still last-N (2) videos: the pin and the first of the selection");
        viewer.Media.SetPinned(["a", "b", "c"]).ErrorCode.Should().Be(409);
    }
}
