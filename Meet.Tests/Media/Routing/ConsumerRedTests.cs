using System.Text.RegularExpressions;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Issue 11: RFC 2198 RED around Opus is negotiated where the browser offers it and forwarded as it came to
// subscribers that accepted it; the others get the primary Opus block alone under the Opus payload type.
[TestFixture]
public sealed class ConsumerRedTests
{
    private const byte Red = 63;
    private const byte Opus = 111;

    // Chromium's audio offer: Opus, and RED whose blocks are Opus.
    private static string WithRed(string offer) =>
        Regex.Replace(offer, "(m=audio [^\r]*) 111", "$1 111 63")
            .Replace("a=rtpmap:111 opus/48000/2\r\n", "a=rtpmap:111 opus/48000/2\r\na=rtpmap:63 red/48000/2\r\na=fmtp:63 111/111\r\n");

    // One redundant block (the previous frame, 960 samples earlier), then the primary.
    private static readonly byte[] RedPacket = [0x80 | Opus, 960 >> 6, (960 & 0x3F) << 2, 3, Opus, 0xA1, 0xA2, 0xA3, 0xB1, 0xB2, 0xB3];

    [Test]
    public async Task Red_goes_as_it_came_to_a_subscriber_with_red_and_as_its_primary_opus_to_one_without()
    {
        await using var rig = MediaPacketReceiverTests.Rig.Create(subscribers: 2,
            ClientMediaTrack.Opus("pub", "mic", MediaPacketReceiverTests.PublisherSsrc), WithRed);
        rig.Subscribers[0].Member.Subscribing.Slots.Single().RedAccepted = true;
        rig.Channel.Capture = true;

        for (var i = 0; i < 3; i++)
            rig.ReceivePayload(RedPacket, payloadType: Red).Should().Be(2);

        var packets = rig.DecodeLastPackets();
        var withRed = packets.Single(p => p.Header.Ssrc == rig.Subscribers[0].Consumers.Single().Ssrc);
        var withoutRed = packets.Single(p => p.Header.Ssrc == rig.Subscribers[1].Consumers.Single().Ssrc);
        withRed.Header.PayloadType.Should().Be(Red);
        withRed.Payload.Should().Equal(RedPacket);
        withoutRed.Header.PayloadType.Should().Be(Opus);
        withoutRed.Payload.Should().Equal(0xB1, 0xB2, 0xB3);
        withoutRed.Header.HasExtension.Should().Be(withRed.Header.HasExtension, "header extensions (mid, audio level) are kept");
        rig.Module.Counters.RedPrimariesForwarded.Should().Be(3);
    }

    [Test]
    public async Task Malformed_red_is_a_counted_drop_for_a_subscriber_without_red_and_leaves_no_sequence_gap()
    {
        await using var rig = MediaPacketReceiverTests.Rig.Create(subscribers: 1,
            ClientMediaTrack.Opus("pub", "mic", MediaPacketReceiverTests.PublisherSsrc), WithRed);
        rig.Channel.Capture = true;
        rig.ReceivePayload(RedPacket, payloadType: Red).Should().Be(1);
        var first = rig.DecodeLastPackets().Single().Header.SequenceNumber;

        rig.ReceivePayload([0x80 | Opus, 0, 0x03, 0xFF, Opus, 1], payloadType: Red).Should().Be(0);
        rig.Module.Counters.Dropped(MediaDropReason.MalformedRtp).Should().Be(1);

        rig.ReceivePayload(RedPacket, payloadType: Red).Should().Be(1);
        ((ushort)(rig.DecodeLastPackets().Single().Header.SequenceNumber - first)).Should().Be(1);
    }

    [Test]
    public async Task The_subscribers_answer_decides_whether_it_gets_red()
    {
        await using var sfu = new InMemorySfu(TimeSpan.FromSeconds(5));
        sfu.Join("alice");
        var bob = sfu.Join("bob");
        var carol = sfu.Join("carol");
        carol.AcceptsRed = false;
        var offer = sfu.PublisherOffer("alice", 1, videoSending: false);
        var published = sfu.Participants["alice"].Media.AnswerPublisherOffer(WithRed(offer));
        published.Succeeded.Should().BeTrue(published.ErrorMessage);
        published.Sdp.Should().MatchRegex("m=audio [0-9]+ UDP/TLS/RTP/SAVPF 63 111\r\n", "the answer prefers RED, so Chromium sends it");

        while (bob.HasOffer)
            bob.AnswerNext().Succeeded.Should().BeTrue();
        while (carol.HasOffer)
            carol.AnswerNext().Succeeded.Should().BeTrue();

        AudioSlot(bob).RedAccepted.Should().BeTrue();
        AudioSlot(carol).RedAccepted.Should().BeFalse();
        AudioSlot(carol).Stream.RedAccepted.Should().BeFalse();
        AudioSlot(bob).Stream.RedAccepted.Should().BeTrue();
    }

    private static SubscriberSlot AudioSlot(SimulatedSubscriber subscriber) =>
        subscriber.Server.Member.Subscribing.Slots.Single(s => s.Kind == MediaKind.Audio && s.Consumer is not null);
}
