using System.Net;
using System.Net.Sockets;
using System.Text;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Sdp;
using Meet.Modules.Media.Protocols.Stun;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Internal;

[TestFixture]
public sealed class MediaModuleTests
{
    private const uint PublisherSsrc = 0x1234_5678;

    [Test]
    public async Task Subscriber_receives_the_publishers_video_with_its_own_ssrc_and_continuous_sequence_numbers()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await using var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");

        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc));
        await b.SubscribeAsync(1);
        using var sending = new CancellationTokenSource();
        var sender = SendVideoAsync(a, sending.Token);

        await WaitUntilAsync(() => b.Received.Count >= 60);
        await sending.CancelAsync();
        await sender;

        var track = b.SubscriberPc.RemoteTracks.Single();
        track.StreamId.Should().Be("alice", "the msid stream id is the publisher's participant id");
        track.Ssrc.Should().NotBe(PublisherSsrc);
        var received = b.Received.ToList();
        received.Should().OnlyContain(p => p.Ssrc == track.Ssrc);
        received[0].KeyFrame.Should().BeTrue("a consumer starts on a keyframe");
        for (var i = 1; i < received.Count; i++)
            ((ushort)(received[i].Sequence - received[i - 1].Sequence)).Should().Be(1, $"packet {i} follows {i - 1} on loopback");
    }

    [Test]
    public async Task A_nack_from_the_subscriber_is_answered_with_rtx_from_the_cache()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await using var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");
        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc));
        await b.SubscribeAsync(1);
        var retransmissions = new System.Collections.Concurrent.ConcurrentQueue<(uint Ssrc, ushort Osn, int PayloadLength, bool TransportWide)>();
        b.SubscriberPc.RtpReceived += packet =>
        {
            if (RtpHeader.TryParse(packet, out var header) && header.PayloadType == 97)
                retransmissions.Enqueue((header.Ssrc, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(header.GetPayload(packet)), header.PayloadLength,
                    header.TryFindExtension(packet, Meet.Modules.Media.Bandwidth.TransportSequenceStamper.SubscriberExtensionId, out _, out var length) && length == 2));
        };
        using var sending = new CancellationTokenSource();
        var sender = SendVideoAsync(a, sending.Token);
        await WaitUntilAsync(() => b.Received.Count >= 10);
        await sending.CancelAsync();
        await sender;

        var track = b.SubscriberPc.RemoteTracks.Single();
        var nacked = b.Received.Last().Sequence;
        Span<RtcpNackItem> items = stackalloc RtcpNackItem[1];
        RtcpNackItem.Build([nacked], items).Should().Be(1);
        var nack = new RtcpNack(0x0B0B, track.Ssrc, items);
        var buffer = new byte[nack.GetSerializedSize()];
        nack.TryWrite(buffer, out _).Should().BeTrue();
        b.SubscriberPc.SendRtcp(buffer).Should().BeTrue();

        await WaitUntilAsync(() => !retransmissions.IsEmpty);
        var rtx = retransmissions.Single();
        rtx.Osn.Should().Be(nacked, "RFC 4588: the RTX payload starts with the original sequence number");
        rtx.Ssrc.Should().NotBe(track.Ssrc);
        rtx.PayloadLength.Should().Be(2 + 200, "OSN + the original VP8 payload");
        rtx.TransportWide.Should().BeTrue("repair traffic carries our transport-wide sequence number, so the subscriber's feedback counts it");
    }

    [Test]
    public async Task A_nack_flood_is_answered_only_within_the_consumers_budget_the_rest_counted_and_media_flows_on()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await using var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");
        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc));
        await b.SubscribeAsync(1);
        var retransmissions = 0;
        b.SubscriberPc.RtpReceived += packet =>
        {
            if (RtpHeader.TryParse(packet, out var header) && header.PayloadType == 97)
                Interlocked.Increment(ref retransmissions);
        };
        using var sending = new CancellationTokenSource();
        var sender = SendVideoAsync(a, sending.Token);
        await WaitUntilAsync(() => b.Received.Count >= 20);

        // 400 NACKs, each for the 17 latest packets (PID + a full BLP): 6,800 resends asked for at once.
        var track = b.SubscriberPc.RemoteTracks.Single();
        var latest = b.Received.Last().Sequence;
        Span<RtcpNackItem> items = stackalloc RtcpNackItem[1];
        RtcpNackItem.Build([.. Enumerable.Range(0, 17).Select(i => (ushort)(latest - 16 + i))], items).Should().Be(1);
        var nack = new RtcpNack(0x0B0B, track.Ssrc, items);
        var buffer = new byte[nack.GetSerializedSize()];
        nack.TryWrite(buffer, out _).Should().BeTrue();
        var adaptive = ((Meet.Modules.Media.Internal.MediaModule)server.Module).Counters.Adaptive;
        var refusedBefore = adaptive.RetransmissionsOverBudget;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 400; i++)
            b.SubscriberPc.SendRtcp(buffer).Should().BeTrue();
        await WaitUntilAsync(() => adaptive.RetransmissionsOverBudget - refusedBefore > 5_000);
        var receivedAfterFlood = b.Received.Count;
        await WaitUntilAsync(() => b.Received.Count >= receivedAfterFlood + 20);
        var elapsed = watch.Elapsed.TotalSeconds;
        await sending.CancelAsync();
        await sender;

        // The consumer's budget: a burst of 250, then 250 a second (TokenBucket in Consumer).
        Volatile.Read(ref retransmissions).Should().BeInRange(1, 250 + (int)Math.Ceiling(250 * elapsed),
            "the flood is answered within the budget, not amplified");
        (adaptive.RetransmissionsOverBudget - refusedBefore).Should().BeGreaterThan(5_000, "what is over the budget is counted, not resent");
    }

    [Test]
    public async Task A_new_consumer_makes_the_publisher_receive_a_pli()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc));
        using var sending = new CancellationTokenSource();
        var sender = SendVideoAsync(a, sending.Token, keyFrameEvery: 0);
        await Task.Delay(400);
        a.PlisReceived.Should().BeEmpty("nobody consumes the track yet");

        await using var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");
        await b.SubscribeAsync(1);

        await WaitUntilAsync(() => a.PlisReceived.Contains(PublisherSsrc));
        await WaitUntilAsync(() => b.Received.Count >= 10);
        await sending.CancelAsync();
        await sender;
    }

    [Test]
    public async Task Leaving_frees_every_transport_producer_consumer_and_router()
    {
        await using var server = await SfuTestServer.StartAsync();
        var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");
        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc), ClientMediaTrack.Opus("alice", "mic", PublisherSsrc + 1));
        await b.SubscribeAsync(2);

        server.Module.GetResourceCounts().Should().Be(new MediaResourceCounts(1, 2, 4, 2, 2));

        await a.DisposeAsync();
        server.Module.GetResourceCounts().Should().Be(new MediaResourceCounts(1, 1, 2, 0, 0));
        b.TryTakeOffer(out var renegotiation).Should().BeTrue("bob's subscriber PC drops alice's tracks");
        renegotiation.Should().Contain("a=inactive", "ended consumers stay as inactive m-sections")
            .And.NotContain("a=msid:alice").And.NotContain("m=video 0 ", "rejecting every section would end the BUNDLE transport");

        await b.DisposeAsync();
        server.Module.GetResourceCounts().Should().Be(new MediaResourceCounts(0, 0, 0, 0, 0));
        b.States.Should().Contain(MediaConnectionState.Closed);
    }

    [Test]
    public async Task A_returning_publisher_reuses_the_inactive_m_sections_and_media_flows_again()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");
        var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc));
        await b.SubscribeAsync(1);
        await a.DisposeAsync();
        b.TryTakeOffer(out var inactive).Should().BeTrue();
        b.Media.ApplySubscriberAnswer(b.SubscriberPc.AnswerOffer(inactive), 0).Succeeded.Should().BeTrue();

        await using var again = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await again.PublishAsync(ClientMediaTrack.Vp8("alice", "cam2", PublisherSsrc));
        b.TryTakeOffer(out var reused).Should().BeTrue();
        reused.Split("m=video").Should().HaveCount(2, "the inactive section is reused, not a new one added");
        reused.Should().Contain("a=msid:alice cam2").And.Contain("a=sendonly");
        b.Media.ApplySubscriberAnswer(b.SubscriberPc.AnswerOffer(reused), 0).Succeeded.Should().BeTrue();

        using var sending = new CancellationTokenSource();
        var sender = SendVideoAsync(again, sending.Token);
        var ssrc = b.SubscriberPc.RemoteTracks.Single().Ssrc;
        await WaitUntilAsync(() => b.Received.Count(p => p.Ssrc == ssrc) >= 10);
        await sending.CancelAsync();
        await sender;
    }

    [Test]
    public async Task Bad_datagrams_at_the_media_port_are_counted_drops_and_the_call_keeps_flowing()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        await using var b = new SfuTestParticipant(server.Module, "mtg-1", "bob");
        await a.PublishAsync(ClientMediaTrack.Vp8("alice", "cam", PublisherSsrc));
        await b.SubscribeAsync(1);
        using var sending = new CancellationTokenSource();
        var sender = SendVideoAsync(a, sending.Token);
        await WaitUntilAsync(() => b.Received.Count >= 10);

        var counters = server.Internals.Counters;
        var port = server.Internals.Port;
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            attacker.SendTo(junk, target);
        }
        attacker.SendTo(ForeignClientHello(), target);
        attacker.SendTo(StunWithWrongPassword(a.LastPublisherAnswer!), target);

        await WaitUntilAsync(() => counters.Dropped(MediaDropReason.StunRejected) >= 1
            && counters.Dropped(MediaDropReason.UnknownPeer) >= 1 && counters.Dropped(MediaDropReason.NotWebRtc) >= 1);
        var before = b.Received.Count;
        await WaitUntilAsync(() => b.Received.Count >= before + 20);
        await sending.CancelAsync();
        await sender;
        server.Module.GetResourceCounts().Participants.Should().Be(2);
    }

    [Test]
    public async Task Malformed_sdp_and_out_of_order_answers_get_coded_errors()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");

        a.Media.AnswerPublisherOffer("v=0\r\nnonsense").ErrorCode.Should().Be(400);
        a.Media.AnswerPublisherOffer("").ErrorCode.Should().Be(400);
        a.Media.ApplySubscriberAnswer(a.PublisherPc.CreateOffer([ClientMediaTrack.Opus("x", "y", 5)]), 0).ErrorCode
            .Should().Be(409, "no subscriber offer is outstanding");
        a.Media.AddRemoteCandidate("candidate:garbage", "0", subscriberPc: false).ErrorCode.Should().Be(400);
        a.Media.AddRemoteCandidate("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", subscriberPc: false)
            .Succeeded.Should().BeTrue();

        await a.Media.DisposeAsync();
        a.Media.AnswerPublisherOffer(a.PublisherPc.CreateOffer([ClientMediaTrack.Opus("x", "y", 5)])).ErrorCode.Should().Be(410);
    }

    [Test]
    public async Task Firefox_max_bundle_offer_is_answered_with_every_section_accepted_and_a_refused_section_is_reported()
    {
        await using var server = await SfuTestServer.StartAsync();
        await using var a = new SfuTestParticipant(server.Module, "mtg-1", "alice");
        var offerText = Meet.Tests.Media.Protocols.Sdp.SdpFixtures.Load("firefox-simulcast-offer");
        SessionDescription.TryParse(offerText, out var offer, out _).Should().BeTrue();

        var result = a.Media.AnswerPublisherOffer(offerText);

        result.Succeeded.Should().BeTrue(result.ErrorMessage);
        result.Warning.Should().BeNull();
        SessionDescription.TryParse(result.Sdp, out var answer, out var error).Should().BeTrue(error.ToString());
        Meet.Tests.Media.Protocols.Sdp.SdpConformance.Check(answer!, offer).Should().BeEmpty();
        answer!.BundleMids.Should().Equal("0", "1");
        answer.MediaDescriptions.Should().OnlyContain(m => m.Port == answer.MediaDescriptions[0].Port && m.Port > 0 && m.Direction == SdpDirection.RecvOnly);
        server.Module.GetResourceCounts().Producers.Should().Be(2, "the bundle-only audio section is a producer too");

        // The same offer with an audio section the SFU cannot take: answered, refused section reported.
        var refusing = offerText.Replace("m=audio 0 UDP/TLS/RTP/SAVPF 109 9 0 8 101", "m=audio 0 UDP/TLS/RTP/SAVPF 0 8", StringComparison.Ordinal);
        var second = a.Media.AnswerPublisherOffer(refusing);
        second.Succeeded.Should().BeTrue(second.ErrorMessage);
        second.Warning.Should().Be("Refused m-section 1 (mid 1, audio): no supported codec (offered: PCMU, PCMA; supported: opus)");
        SessionDescription.TryParse(second.Sdp, out answer, out _).Should().BeTrue();
        answer!.MediaDescriptions[1].IsRejected.Should().BeTrue();
        answer.MediaDescriptions[1].Connection.Should().NotBeNull();
        server.Module.GetResourceCounts().Producers.Should().Be(1, "the refused section's producer is closed");
    }

    private static async Task SendVideoAsync(SfuTestParticipant publisher, CancellationToken cancel, int keyFrameEvery = 30)
    {
        ushort sequence = 1000;
        uint timestamp = 90000;
        var plisSeen = 0;
        for (var frame = 0; !cancel.IsCancellationRequested; frame++)
        {
            var plis = publisher.PlisReceived.Count;
            var key = (keyFrameEvery > 0 && frame % keyFrameEvery == 0) || plis > plisSeen;
            plisSeen = plis;
            publisher.PublisherPc.SendRtp(PublisherSsrc, 96, sequence++, timestamp, true, SfuTestParticipant.Vp8Payload(key));
            timestamp += 3000;
            try
            {
                await Task.Delay(5, cancel);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
            await Task.Delay(20, timeout.Token);
    }

    // A DTLS 1.2 record (content type 22, version 0xFEFD) carrying a ClientHello, from an address no
    // transport knows.
    internal static byte[] ForeignClientHello()
    {
        var record = new byte[13 + 12 + 40];
        record[0] = 22;
        record[1] = 0xFE;
        record[2] = 0xFD;
        record[11] = 0;
        record[12] = 52;
        record[13] = 1;
        return record;
    }

    internal static byte[] StunWithWrongPassword(string answerSdp)
    {
        SessionDescription.TryParse(answerSdp, out var answer, out _).Should().BeTrue();
        var ufrag = answer!.MediaDescriptions[0].IceUfrag!;
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.AddUsername(Encoding.ASCII.GetBytes(ufrag + ":evil"));
        writer.AddPriority(1);
        writer.AddIceControlling(42);
        writer.AddMessageIntegrity(Encoding.ASCII.GetBytes("not-the-password-at-all-xx"));
        writer.AddFingerprint();
        writer.TryComplete(out var written).Should().BeTrue();
        return buffer[..written];
    }
}
