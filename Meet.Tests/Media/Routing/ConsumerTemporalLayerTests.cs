using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Issue 11: VP8 temporal-layer dropping (L1T3) on the real forwarding path — SRTP in, consumer, SRTP out —
// as a subscriber decrypts it: no gap in sequence numbers or picture ids across drops, reordering,
// NACKs and switches; down at once, up only at a layer-sync picture; nothing allocated per packet.
[TestFixture]
public sealed class ConsumerTemporalLayerTests
{
    // Chromium's L1T3 pattern and its layer-sync pictures (libwebrtc DefaultTemporalLayers: the first
    // TL2 and the TL1 of each cycle reference TL0 only).
    private static readonly int[] Pattern = [0, 2, 1, 2];
    private static readonly bool[] Sync = [false, true, true, false];

    private sealed class L1T3Source
    {
        private int _pictureId = 20_000;
        private int _tl0 = 250;

        public int Position { get; private set; }

        // The packets of the next picture: a descriptor with 15-bit picture id, TL0PICIDX and TID/Y.
        public List<byte[]> NextPicture(int packets = 1, bool keyFrame = false)
        {
            var tid = keyFrame ? 0 : Pattern[Position % 4];
            if (tid == 0)
                _tl0 = (_tl0 + 1) & 0xFF;
            var sync = !keyFrame && Sync[Position % 4];
            var list = new List<byte[]>();
            for (var i = 0; i < packets; i++)
            {
                list.Add([(byte)(0x80 | (i == 0 ? 0x10 : 0)), 0xE0, (byte)(0x80 | (_pictureId >> 8)), (byte)_pictureId, (byte)_tl0,
                    (byte)(tid << 6 | (sync ? 0x20 : 0)), (byte)(keyFrame && i == 0 ? 0x00 : 0x01), 0xAA, 0xBB]);
            }
            _pictureId = (_pictureId + 1) & 0x7FFF;
            Position = keyFrame ? 1 : Position + 1;
            return list;
        }
    }

    private sealed record Sent(ushort Sequence, int PictureId, int Tl0, int Tid, byte[] Payload);

    private static List<Sent> Forward(MediaPacketReceiverTests.Rig rig, IEnumerable<byte[]> packets)
    {
        var sent = new List<Sent>();
        foreach (var payload in packets)
        {
            rig.ReceivePayload(payload);
            sent.AddRange(rig.DecodeLastPackets().Select(Describe));
        }
        return sent;
    }

    private static Sent Describe((RtpHeader Header, byte[] Payload) packet)
    {
        Vp8PayloadDescriptor.TryParse(packet.Payload, out var descriptor).Should().BeTrue();
        return new Sent(packet.Header.SequenceNumber, descriptor.PictureId, descriptor.Tl0PicIdx, descriptor.TemporalLayerId, packet.Payload);
    }

    private static void ShouldBeContinuous(List<Sent> sent)
    {
        sent.Zip(sent.Skip(1), (a, b) => (ushort)(b.Sequence - a.Sequence)).Should().OnlyContain(step => step == 1, "no sequence gap for the subscriber to NACK");
        sent.Zip(sent.Skip(1), (a, b) => (b.PictureId - a.PictureId) & 0x7FFF).Should().OnlyContain(step => step <= 1, "no picture id gap for the reference finder to wait on");
        sent.Zip(sent.Skip(1), (a, b) => (b.Tl0 - a.Tl0) & 0xFF).Should().OnlyContain(step => step <= 1, "TL0PICIDX continues");
    }

    private static async Task<(MediaPacketReceiverTests.Rig Rig, Consumer Consumer, L1T3Source Source)> StartAsync()
    {
        var rig = MediaPacketReceiverTests.Rig.Create(subscribers: 1);
        rig.Channel.Capture = true;
        var source = new L1T3Source();
        Forward(rig, source.NextPicture(keyFrame: true)).Should().ContainSingle();
        await Task.CompletedTask;
        return (rig, rig.Subscribers[0].Consumers.Single(), source);
    }

    [Test]
    public async Task Dropping_to_tl0_then_tl1_forwards_only_those_layers_with_no_gap_in_numbers()
    {
        var (rig, consumer, source) = await StartAsync();
        await using var _ = rig;
        consumer.TargetTemporalLayer = 0;
        var sent = new List<Sent>();
        for (var i = 0; i < 8; i++)
            sent.AddRange(Forward(rig, source.NextPicture(packets: 2)));
        sent.Should().HaveCount(4, "two TL0 pictures of two packets in eight pictures");
        sent.Should().OnlyContain(s => s.Tid == 0);

        consumer.TargetTemporalLayer = 1;
        for (var i = 0; i < 8; i++)
            sent.AddRange(Forward(rig, source.NextPicture(packets: 2)));
        sent.Skip(4).Select(s => s.Tid).Should().Equal(1, 1, 0, 0, 1, 1, 0, 0);
        consumer.CurrentTemporalLayer.Should().Be(1);
        ShouldBeContinuous(sent);
        rig.Module.Counters.TemporalLayerDrops.Should().Be(6 * 2 + 4 * 2, "TL1/TL2 pictures at TL0, TL2 pictures at TL1");
    }

    [Test]
    public async Task Switching_up_waits_for_a_layer_sync_picture()
    {
        var (rig, consumer, source) = await StartAsync();
        await using var _ = rig;
        consumer.TargetTemporalLayer = 0;
        // Positions 1, 2 (sync TL2, sync TL1) dropped; then the limit is lifted before position 3: a TL2
        // picture that references the TL1 picture just dropped, so it must not be forwarded.
        var sent = Forward(rig, source.NextPicture().Concat(source.NextPicture()));
        sent.Should().BeEmpty();
        consumer.TargetTemporalLayer = -1;
        sent.AddRange(Forward(rig, source.NextPicture()));
        sent.Should().BeEmpty("a TL2 picture without Y cannot be decoded without the TL1 picture dropped before it");
        for (var i = 0; i < 4; i++)
            sent.AddRange(Forward(rig, source.NextPicture()));
        sent.Select(s => s.Tid).Should().Equal(0, 2, 1, 2);
        consumer.CurrentTemporalLayer.Should().Be(2);
        ShouldBeContinuous(sent);
    }

    [Test]
    public async Task A_packet_reordered_behind_a_dropped_picture_keeps_its_place()
    {
        var (rig, consumer, source) = await StartAsync();
        await using var _ = rig;
        consumer.TargetTemporalLayer = 1;
        var tl2 = source.NextPicture(packets: 2);
        var tl1 = source.NextPicture(packets: 2);
        var first = rig.NextSequence;
        var sent = new List<Sent>();
        // Source order 0..3; arrival 2, 0, 3, 1: the TL1 picture's first packet before the TL2 picture.
        (int Index, byte[] Payload)[] arrival = [(2, tl1[0]), (0, tl2[0]), (3, tl1[1]), (1, tl2[1])];
        foreach (var (index, payload) in arrival)
        {
            rig.ReceivePayload(payload, (ushort)(first + index));
            sent.AddRange(rig.DecodeLastPackets().Select(Describe));
        }
        sent.Should().HaveCount(2);
        // Sent before the drops were seen, the TL1 picture's first packet left with the gap still open;
        // the second one must follow it, not fill that gap.
        ((ushort)(sent[1].Sequence - sent[0].Sequence)).Should().Be(1);
        sent[0].PictureId.Should().Be(sent[1].PictureId);
    }

    [Test]
    public async Task A_nack_after_drops_retransmits_the_packet_the_subscriber_got_under_that_number()
    {
        var (rig, consumer, source) = await StartAsync();
        await using var _ = rig;
        consumer.TargetTemporalLayer = 0;
        var sent = new List<Sent>();
        for (var i = 0; i < 12; i++)
            sent.AddRange(Forward(rig, source.NextPicture(packets: 2)));
        var lost = sent[3];

        rig.Channel.Last.Clear();
        consumer.Retransmit(lost.Sequence, rig.Module.Sender);
        rig.Module.Sender.Flush();

        var rtx = rig.DecodeLastPackets().Should().ContainSingle().Subject;
        rtx.Header.Ssrc.Should().Be(consumer.RtxSsrc);
        ((ushort)(rtx.Payload[0] << 8 | rtx.Payload[1])).Should().Be(lost.Sequence, "RFC 4588: the original sequence number first");
        rtx.Payload[2..].Should().Equal(lost.Payload, "the same bytes, picture id rewritten alike");
    }

    [Test]
    public async Task Dropping_temporal_layers_allocates_nothing_per_packet()
    {
        var (rig, consumer, source) = await StartAsync();
        await using var _ = rig;
        consumer.TargetTemporalLayer = 0;
        var pictures = Enumerable.Range(0, 200).Select(_ => source.NextPicture()[0]).ToList();
        rig.Channel.Capture = false;
        rig.ReceivePayload(pictures[0]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < pictures.Count; i++)
            rig.ReceivePayload(pictures[i]);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        rig.Module.Counters.TemporalLayerDrops.Should().BeGreaterThan(100);
    }

    [TestCase(2_000_000, -1, TestName = "Ample bandwidth keeps every temporal layer")]
    [TestCase(1_200_000, 1, TestName = "Short of the layer's rate the allocator drops TL2 first")]
    [TestCase(700_000, 0, TestName = "Far short the allocator keeps only TL0")]
    public async Task The_allocator_steps_down_temporal_layers_below_the_lowest_spatial_layer(double estimate, int expected)
    {
        var (rig, consumer, _) = await StartAsync();
        await using var __ = rig;
        var subscriber = rig.Subscribers[0];
        // One non-simulcast VP8 track at the seed's 1.5 Mbps (its rate is not measured yet).
        subscriber.Member.Subscribing.AllocateLayers(estimate, subscriber.Router.Selection, 0, out _);
        consumer.TargetTemporalLayer.Should().Be(expected);
    }

    [Test]
    public async Task Temporal_layers_return_only_with_room_to_spare()
    {
        var (rig, consumer, _) = await StartAsync();
        await using var __ = rig;
        var allocator = rig.Subscribers[0].Member.Subscribing;
        var selection = rig.Subscribers[0].Router.Selection;
        allocator.AllocateLayers(700_000, selection, 0, out _);
        consumer.TargetTemporalLayer.Should().Be(0);
        // The budget is the layers' 90 % share of the estimate (SubscriberAllocator.EstimateShare).
        allocator.AllocateLayers(1_750_000, selection, 0, out _);
        consumer.TargetTemporalLayer.Should().Be(0, "1.5 Mbps fits 90 % of 1.75 Mbps, but without the 10 % margin");
        allocator.AllocateLayers(1_900_000, selection, 0, out _);
        consumer.TargetTemporalLayer.Should().Be(-1);
    }
}
