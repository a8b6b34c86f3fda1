using Meet.Modules.Media;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Issue 11, layer choice (b): the tile size a subscriber reports caps its layer whatever the bandwidth,
// and a hidden tile pauses that video (zero bytes) until it shows again.
[TestFixture]
public sealed class SubscriberAllocatorTileSizeTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    internal static (InMemorySfu Sfu, SimulatedSubscriber Viewer, Producer Camera) Meeting(TimeSpan? dynacastPauseDelay = null, int viewers = 1)
    {
        var sfu = new InMemorySfu(AnswerTimeout, dynacastPauseDelay: dynacastPauseDelay);
        sfu.Join("alice");
        var viewer = sfu.Join("bob");
        for (var i = 1; i < viewers; i++)
            sfu.Join("viewer" + i);
        sfu.PublishSimulcast("alice");
        foreach (var participant in sfu.Participants.Values)
        {
            while (participant.HasOffer)
                participant.AnswerNext().Succeeded.Should().BeTrue();
        }
        var camera = sfu.Participants["alice"].Server.Producers.Single(p => p.Kind == MediaKind.Video);
        camera.Layers.Should().HaveCount(3);
        return (sfu, viewer, camera);
    }

    // One VP8 key frame per layer at the web client's sizes (320x180, 640x360, 1280x720), then the tick
    // that measures which layers arrive and lets every subscriber choose.
    internal static void SendKeyFrames(InMemorySfu sfu, Producer camera, ref ushort sequence)
    {
        var buffer = new byte[200];
        for (var layer = 0; layer < camera.Layers.Length; layer++)
        {
            var width = 1280 >> (2 - layer);
            var height = 720 >> (2 - layer);
            byte[] payload = [0x10, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 0, 0];
            var writer = new RtpPacketWriter(buffer, 96, sequence, sequence * 3000u, 0x2222_0000u + (uint)layer, marker: true);
            sequence++;
            writer.TryComplete(payload, 0, out var length).Should().BeTrue();
            RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
            camera.OnRtp(buffer.AsSpan(0, length), header, layer, sfu.Module.Sender);
        }
        foreach (var participant in sfu.Participants.Values)
            participant.Server.Member.Publishing.OnTick(false, participant.Server.Publisher, sfu.Module.Sender);
        sfu.SelectionTick();
    }

    private static Consumer CameraOf(SimulatedSubscriber viewer) => viewer.Server.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);

    [Test]
    public async Task A_320x180_tile_gets_the_180p_layer_with_ample_bandwidth_and_a_large_tile_gets_720p()
    {
        var (sfu, viewer, camera) = Meeting();
        await using var _ = sfu;
        ushort sequence = 1;
        var consumer = CameraOf(viewer);

        SendKeyFrames(sfu, camera, ref sequence);
        camera.Layers.Select(l => (l.Width, l.Height)).Should().Equal((320, 180), (640, 360), (1280, 720));
        consumer.TargetLayer.Should().Be(2, "no tile reported and no bandwidth limit: the best layer");

        viewer.Media.SetTileSizes([new TileSize(consumer.Mid, 320, 180, Hidden: false)]).Succeeded.Should().BeTrue();
        SendKeyFrames(sfu, camera, ref sequence);
        consumer.TargetLayer.Should().Be(0, "a 320x180 tile needs the 180p layer, whatever the bandwidth");
        sfu.Module.Counters.Adaptive.TileSizesApplied.Should().Be(1);
    }

    [TestCase(320, 180, 0)]
    [TestCase(350, 196, 0)]
    [TestCase(400, 225, 1)]
    [TestCase(640, 360, 1)]
    [TestCase(641, 480, 2)]
    [TestCase(1920, 1080, int.MaxValue)]
    [TestCase(0, 0, int.MaxValue)]
    public async Task The_tile_cap_is_the_smallest_layer_that_fills_the_tile_within_ten_percent(int width, int height, int expected)
    {
        var (sfu, _, camera) = Meeting();
        await using var __ = sfu;
        ushort sequence = 1;
        SendKeyFrames(sfu, camera, ref sequence);
        var slot = new SubscriberSlot("0", MediaKind.Video, camera.Codecs) { TileWidth = width, TileHeight = height };
        SubscriberAllocator.TileLayerCap(slot, camera).Should().Be(expected);
    }

    [Test]
    public async Task Without_key_frames_the_web_clients_720p_360p_180p_layers_are_assumed()
    {
        var (sfu, _, camera) = Meeting();
        await using var __ = sfu;
        camera.LayerResolution(0).Should().Be((320, 180));
        camera.LayerResolution(2).Should().Be((1280, 720));
    }

    [Test]
    public async Task A_hidden_tile_gets_zero_bytes_and_showing_it_again_resumes_on_a_key_frame()
    {
        var (sfu, viewer, camera) = Meeting();
        await using var _ = sfu;
        ushort sequence = 1;
        var consumer = CameraOf(viewer);
        viewer.Media.SetTileSizes([new TileSize(consumer.Mid, 640, 360, Hidden: true)]).Succeeded.Should().BeTrue();
        consumer.IsPaused.Should().BeTrue();
        var requestsBefore = sfu.Module.Counters.KeyFrameRequestsSent;
        var pendingBefore = camera.Layers.Count(l => l.KeyFrameRequestPending == 1);

        SendKeyFrames(sfu, camera, ref sequence);
        consumer.PacketsSent.Should().Be(0, "a hidden tile's video is not forwarded at all");
        consumer.IsPaused.Should().BeTrue("the allocator's tick does not resume a hidden tile");

        viewer.Media.SetTileSizes([new TileSize(consumer.Mid, 640, 360, Hidden: false)]).Succeeded.Should().BeTrue();
        consumer.IsPaused.Should().BeFalse();
        consumer.CurrentLayer.Should().Be(-1, "it restarts like a layer switch: on the next key frame");
        (sfu.Module.Counters.KeyFrameRequestsSent - requestsBefore + camera.Layers.Count(l => l.KeyFrameRequestPending == 1) - pendingBefore)
            .Should().BeGreaterThan(0, "a key frame is requested for the resumed tile");
    }

    [Test]
    public async Task A_tile_with_no_area_counts_as_hidden()
    {
        var (sfu, viewer, _) = Meeting();
        await using var __ = sfu;
        var consumer = CameraOf(viewer);
        viewer.Media.SetTileSizes([new TileSize(consumer.Mid, 0, 0, Hidden: false)]).Succeeded.Should().BeTrue();
        consumer.IsPaused.Should().BeTrue();
    }

    [Test]
    public async Task Unknown_mids_and_audio_mids_are_counted_and_change_nothing()
    {
        var (sfu, viewer, _) = Meeting();
        await using var __ = sfu;
        var audio = viewer.Server.Consumers.Single(c => c.Producer.Kind == MediaKind.Audio);
        var result = viewer.Media.SetTileSizes([new TileSize("no-such-mid", 320, 180, true), new TileSize(audio.Mid, 0, 0, true)]);
        result.Succeeded.Should().BeTrue("tiles race renegotiations: an unknown mid is not an error");
        sfu.Module.Counters.Adaptive.TileSizesUnknown.Should().Be(2);
        audio.IsPaused.Should().BeFalse("tile visibility never silences audio");
        viewer.Server.Consumers.Should().OnlyContain(c => !c.IsPaused);
    }

    [Test]
    public async Task A_participant_that_left_is_refused_with_410()
    {
        var (sfu, viewer, _) = Meeting();
        await using var __ = sfu;
        var media = viewer.Media;
        await sfu.LeaveAsync("bob");
        media.SetTileSizes([new TileSize("0", 1, 1, false)]).ErrorCode.Should().Be(410);
    }
}
