using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Issue 10's priority for a subscriber's downlink (SubscriberAllocator.AllocationRank, the order issue
// 11's layer allocation climbs in): screen shares, then the active speaker, then pins, then the grid in
// the selection's order.
[TestFixture]
public sealed class SubscriberAllocatorRankTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    private static void AnswerAll(InMemorySfu sfu)
    {
        foreach (var participant in sfu.Participants.Values)
        {
            while (participant.HasOffer)
                participant.AnswerNext().Succeeded.Should().BeTrue();
        }
    }

    private static void TalkFor(InMemorySfu sfu, string publisherId, ref ushort sequence)
    {
        var producer = sfu.Participants[publisherId].Server.Producers.Single(p => p.Kind == MediaKind.Audio);
        var buffer = new byte[200];
        for (var tick = 0; tick < 12; tick++)
        {
            for (var i = 0; i < 5; i++)
            {
                var writer = new RtpPacketWriter(buffer, 111, sequence, sequence * 960u, 0x1111, marker: false);
                sequence++;
                writer.AddExtension(InMemorySfu.AudioLevelExtensionId, [20]);
                writer.TryComplete(new byte[40], 0, out var length).Should().BeTrue();
                RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
                producer.OnRtp(buffer.AsSpan(0, length), header, 0, sfu.Module.Sender);
            }
            sfu.SelectionTick();
        }
    }

    // The viewer's forwarded videos in allocation order, as "participant" or "participant:screen".
    private static string[] RankedVideos(InMemorySfu sfu, SimulatedSubscriber viewer)
    {
        var allocator = viewer.Server.Member.Subscribing;
        var selection = sfu.Module.FindSelection(InMemorySfu.MeetingId)!;
        return [.. allocator.Slots
            .Where(s => s.Consumer is { IsPaused: false, Producer.Kind: MediaKind.Video })
            .OrderBy(s => allocator.AllocationRank(s, s.Consumer!, selection))
            .Select(s => s.Consumer!.Producer.ParticipantId + (s.Consumer.Producer.IsScreen ? ":screen" : ""))];
    }

    // Five publishers (e also shares its screen); a then d talk, the viewer pins c.
    private static SimulatedSubscriber JoinScreenSpeakerPinAndRecentSpeaker(InMemorySfu sfu)
    {
        var viewer = sfu.Join("viewer");
        foreach (var id in new[] { "a", "b", "c", "d", "e" })
        {
            sfu.Join(id);
            sfu.Publish(id, screen: id == "e");
        }
        AnswerAll(sfu);
        ushort sequence = 0;
        TalkFor(sfu, "a", ref sequence);
        TalkFor(sfu, "d", ref sequence);
        viewer.Media.SetPinned(["c"]).Succeeded.Should().BeTrue();
        AnswerAll(sfu);
        return viewer;
    }

    [Test]
    public async Task Screen_share_then_speaker_then_pins_then_the_grid_in_selection_order([Values(true, false)] bool bounded)
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 3, boundedSlots: bounded);
        var viewer = JoinScreenSpeakerPinAndRecentSpeaker(sfu);

        // Grid (3): the pin c, then the speaker d, then the previous speaker a; e's camera is fourth in
        // order and not forwarded, its screen share is.
        RankedVideos(sfu, viewer).Should().Equal(["e:screen", "d", "c", "a"],
            "the share everyone reads large, the active speaker, the pin, then the recent speaker");
    }

    [Test]
    public async Task The_speaker_slot_ranks_above_pins_that_fill_the_grid()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        var viewer = sfu.Join("viewer");
        foreach (var id in new[] { "a", "b", "c" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        AnswerAll(sfu);
        viewer.Media.SetPinned(["b", "a"]).Succeeded.Should().BeTrue();
        ushort sequence = 0;
        TalkFor(sfu, "c", ref sequence);

        viewer.Server.Member.Subscribing.Slots.Single(s => s.Speaker).ParticipantId.Should().Be("c", "pins fill the grid, the speaker slot shows c");
        RankedVideos(sfu, viewer).Should().Equal(["c", "b", "a"], "the speaker first, then the pins in pin order (not join order)");
    }

    [Test]
    public async Task Temporal_layers_drop_in_allocation_order_within_the_same_share_of_the_estimate()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 3, boundedSlots: true);
        var viewer = JoinScreenSpeakerPinAndRecentSpeaker(sfu);
        var allocator = viewer.Server.Member.Subscribing;
        var selection = sfu.Module.FindSelection(InMemorySfu.MeetingId)!;
        var videos = allocator.Slots.Where(s => s.Consumer is { IsPaused: false, Producer.Kind: MediaKind.Video })
            .OrderBy(s => allocator.AllocationRank(s, s.Consumer!, selection)).Select(s => s.Consumer!).ToList();
        var audios = allocator.Slots.Count(s => s.Consumer is { IsClosed: false, IsPaused: false, Producer.Kind: MediaKind.Audio });
        videos.Should().HaveCount(4, "the screen share, the speaker, the pin and the recent speaker");

        // Four single-layer tracks at the seed's 1.5 Mbps need 6 Mbps; layers fill 90 % of the estimate
        // after audio. A budget of 5.7 Mbps takes one step: the last in allocation order drops to TL1.
        allocator.AllocateLayers((5_700_000 + audios * 50_000) / 0.9, selection, 0, out _);
        videos.Select(c => c.TargetTemporalLayer).Should().Equal([-1, -1, -1, 1], "the recent speaker, last in rank, steps down first");

        // 3 Mbps: every track at TL1 (3.6 Mbps) is not enough, so the lowest ranks go on to TL0.
        allocator.AllocateLayers((3_000_000 + audios * 50_000) / 0.9, selection, 0, out _);
        videos.Select(c => c.TargetTemporalLayer).Should().Equal([1, 1, 0, 0], "TL0 starts again from the end of the rank order");
    }
}
