using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Routing;
using Meet.PacketEngine;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Issue 10 "Measure": each speaker change is followed on the server's own clock — the new speaker's voice
// onset, the router's decision, and per switching subscriber the first keyframe packet sent — so a load
// generator's own lateness never enters the server's part of the speaker-change latency.
[TestFixture]
public sealed class SpeakerChangeTimelineTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    [Test]
    public async Task A_speaker_change_records_onset_decision_and_each_switching_subscribers_first_keyframe_sent()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        foreach (var id in new[] { "viewer1", "viewer2" })
            sfu.Join(id);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        AnswerAndConnectSubscribers(sfu, firstPort: 52000);
        sfu.SelectionTick();
        var talkStart = Stopwatch.GetTimestamp();

        // d talks until the router picks it; viewers 1 and 2 (last-N 2: a and b) must switch to d, and so
        // must a, b and c, whose grids show two of the other cameras.
        ushort audioSequence = 0;
        for (var tick = 0; tick < 20 && sfu.Module.FindSelection(InMemorySfu.MeetingId)!.DominantSpeaker != "d"; tick++)
        {
            for (var p = 0; p < 5; p++)
                sfu.SendAudio("d", 20, audioSequence++);
            sfu.SelectionTick();
        }
        sfu.Module.FindSelection(InMemorySfu.MeetingId)!.DominantSpeaker.Should().Be("d");
        sfu.SelectionTick();
        sfu.Module.SpeakerChanges.Snapshot().Should().BeEmpty("nobody has been sent d's keyframe yet, so the trace is still open");

        var beforeKeyFrame = Stopwatch.GetTimestamp();
        SendVideo(sfu, "d", keyFrame: false, sequence: 1);
        SendVideo(sfu, "d", keyFrame: true, sequence: 2);
        sfu.SelectionTick();

        var record = sfu.Module.SpeakerChanges.Snapshot().Should().ContainSingle().Subject;
        (record.MeetingId, record.SpeakerId, record.NotStarted).Should().Be((InMemorySfu.MeetingId, "d", 0));
        record.KeyFramesSent.Select(k => k.SubscriberId).Should().BeEquivalentTo(["viewer1", "viewer2", "a", "b", "c"],
            "every subscriber but the speaker switched to its camera on the keyframe; the delta frame before it started nobody");
        record.AlreadyForwarding.Should().Be(0);
        record.VoiceOnsetTicks.Should().BeGreaterThanOrEqualTo(talkStart);
        record.DecisionTicks.Should().BeGreaterThan(record.VoiceOnsetTicks);
        record.DecisionTicks.Should().BeLessThan(beforeKeyFrame);
        record.AppliedTicks.Should().BeInRange(record.DecisionTicks, beforeKeyFrame);
        record.KeyFrameRequestedTicks.Should().BeInRange(record.DecisionTicks, record.AppliedTicks, "the remapped slots asked d's camera for a keyframe while the change was applied");
        record.KeyFrameReceivedTicks.Should().BeGreaterThanOrEqualTo(beforeKeyFrame, "the delta frame before it is no keyframe");
        record.KeyFramesSent.Should().OnlyContain(k => k.SentTicks >= record.KeyFrameReceivedTicks);
    }

    [Test]
    public async Task Subscribers_that_already_receive_the_new_speaker_are_counted_apart_and_the_trace_ends_at_once()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout, lastN: 2, boundedSlots: true);
        sfu.Join("viewer");
        foreach (var id in new[] { "a", "b" })
        {
            sfu.Join(id);
            sfu.Publish(id);
        }
        AnswerAndConnectSubscribers(sfu, firstPort: 52100);
        sfu.SelectionTick();
        SendVideo(sfu, "b", keyFrame: true, sequence: 1);

        ushort audioSequence = 0;
        for (var tick = 0; tick < 20 && sfu.Module.FindSelection(InMemorySfu.MeetingId)!.DominantSpeaker != "b"; tick++)
        {
            for (var p = 0; p < 5; p++)
                sfu.SendAudio("b", 20, audioSequence++);
            sfu.SelectionTick();
        }
        sfu.SelectionTick();

        var record = sfu.Module.SpeakerChanges.Snapshot().Should().ContainSingle().Subject;
        record.SpeakerId.Should().Be("b");
        record.AlreadyForwarding.Should().Be(2, "the viewer and a both had b in their two grid slots");
        record.KeyFramesSent.Should().BeEmpty();
        record.NotStarted.Should().Be(0);
    }

    [Test]
    public void The_timeline_keeps_the_last_records_only()
    {
        var timeline = new SpeakerChangeTimeline();
        for (var i = 0; i < SpeakerChangeTimeline.Capacity + 3; i++)
            timeline.Add(new SpeakerChangeRecord("m", "p" + i, 0, i, i, 0, 0, [], 0, 0));
        var records = timeline.Snapshot();
        records.Should().HaveCount(SpeakerChangeTimeline.Capacity);
        records[0].SpeakerId.Should().Be("p3", "the oldest went first");
    }

    // Every participant answers its subscriber offers and its subscriber transport is up (SRTP keys of
    // its own, a loopback address nobody listens on: the test reads the server's stamps, not the wire).
    private static void AnswerAndConnectSubscribers(InMemorySfu sfu, int firstPort)
    {
        var port = firstPort;
        foreach (var participant in sfu.Participants.Values)
        {
            while (participant.HasOffer)
                participant.AnswerNext().Succeeded.Should().BeTrue();
            participant.Server.Subscriber.ConnectForTesting(new SrtpSession(NewKeys(), NewKeys()),
                PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, port++)));
        }
    }

    // One single-packet VP8 frame (RFC 7741 descriptor with the S bit; RFC 6386 frame tag, P bit 0 = key).
    private static void SendVideo(InMemorySfu sfu, string publisherId, bool keyFrame, ushort sequence)
    {
        var producer = sfu.Participants[publisherId].Server.Producers.Single(p => p.Kind == MediaKind.Video);
        byte[] payload = keyFrame
            ? [0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xb4, 0x00, 0, 0, 0, 0]
            : [0x10, 0x11, 0x02, 0x00, 0, 0, 0, 0];
        var buffer = new byte[200];
        var writer = new RtpPacketWriter(buffer, (byte)producer.Codecs[0].PayloadType, sequence, sequence * 3000u, 0x2222, marker: true);
        writer.TryComplete(payload, 0, out var length).Should().BeTrue();
        RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
        producer.OnRtp(buffer.AsSpan(0, length), header, 0, sfu.Module.Sender);
    }

    private static SrtpKeyingMaterial NewKeys() =>
        new(SrtpProtectionProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));
}
