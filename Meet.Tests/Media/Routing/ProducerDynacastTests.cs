using System.Diagnostics;
using Meet.Modules.Media;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// Issue 11, dynacast: a simulcast layer no subscriber wants is paused at its publisher (announced over
// signaling) after a delay that keeps it from flapping, and resumed as soon as someone wants it.
[TestFixture]
public sealed class ProducerDynacastTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Test]
    public async Task Small_tiles_everywhere_pause_the_upper_layers_and_a_large_tile_resumes_them_at_once()
    {
        var (sfu, viewer, camera) = SubscriberAllocatorTileSizeTests.Meeting(dynacastPauseDelay: TimeSpan.FromMilliseconds(1), viewers: 2);
        await using var _ = sfu;
        ushort sequence = 1;
        var alice = sfu.Participants["alice"];
        foreach (var participant in sfu.Participants.Values.Where(p => p != alice))
        {
            var consumer = participant.Server.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
            participant.Media.SetTileSizes([new TileSize(consumer.Mid, 320, 180, Hidden: false)]).Succeeded.Should().BeTrue();
        }
        SubscriberAllocatorTileSizeTests.SendKeyFrames(sfu, camera, ref sequence);
        Thread.Sleep(5);
        SubscriberAllocatorTileSizeTests.SendKeyFrames(sfu, camera, ref sequence);

        camera.Layers.Select(l => l.DynacastPaused).Should().Equal(false, true, true);
        alice.PublisherLayers.Should().ContainSingle();
        alice.PublisherLayers[0].Mid.Should().Be(camera.Mid);
        alice.PublisherLayers[0].Layers.Should().Equal(new PublisherLayerState("q", true), new PublisherLayerState("h", false), new PublisherLayerState("f", false));
        camera.TopLayer.Should().Be(2, "a paused layer can still be chosen: choosing it resumes it");

        // One viewer's tile grows: the 720p layer is wanted again and resumes on the next tick.
        var bobCamera = viewer.Server.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
        viewer.Media.SetTileSizes([new TileSize(bobCamera.Mid, 1280, 720, Hidden: false)]).Succeeded.Should().BeTrue();
        SubscriberAllocatorTileSizeTests.SendKeyFrames(sfu, camera, ref sequence);
        camera.Layers.Select(l => l.DynacastPaused).Should().Equal(false, true, false);
        alice.PublisherLayers[^1].Layers.Should().Equal(new PublisherLayerState("q", true), new PublisherLayerState("h", false), new PublisherLayerState("f", true));
        sfu.Module.Counters.Adaptive.DynacastPauses.Should().Be(2);
        sfu.Module.Counters.Adaptive.DynacastResumes.Should().Be(1);
    }

    [Test]
    public async Task A_layer_wanted_again_within_the_delay_is_never_paused()
    {
        var (sfu, _, camera) = SubscriberAllocatorTileSizeTests.Meeting();
        await using var __ = sfu;
        var sender = sfu.Module.Sender;
        var delay = 3 * Second;
        var now = 1000 * Second;
        // Wanted on and off every second for a minute (a tile resized back and forth): no pause.
        for (var i = 0; i < 60; i++, now += Second)
            camera.UpdateDynacast(i % 2 == 0 ? 0b001 : 0b111, now, delay, sender).Should().BeFalse();
        camera.Layers.Should().OnlyContain(l => !l.DynacastPaused);

        camera.UpdateDynacast(0b001, now, delay, sender).Should().BeFalse("unwanted from now");
        camera.UpdateDynacast(0b001, now + delay - 1, delay, sender).Should().BeFalse("not yet unwanted for the whole delay");
        camera.UpdateDynacast(0b001, now + delay, delay, sender).Should().BeTrue();
        camera.Layers.Select(l => l.DynacastPaused).Should().Equal(false, true, true);
    }

    [Test]
    public async Task The_lowest_layer_is_never_paused_even_when_nobody_watches()
    {
        var (sfu, _, camera) = SubscriberAllocatorTileSizeTests.Meeting();
        await using var __ = sfu;
        var now = 1000 * Second;
        camera.UpdateDynacast(0, now, Second, sfu.Module.Sender);
        camera.UpdateDynacast(0, now + 10 * Second, Second, sfu.Module.Sender).Should().BeTrue();
        camera.Layers.Select(l => l.DynacastPaused).Should().Equal(false, true, true);
    }

    [Test]
    public async Task A_hidden_tile_wants_no_layer()
    {
        var (sfu, viewer, camera) = SubscriberAllocatorTileSizeTests.Meeting(dynacastPauseDelay: TimeSpan.FromMilliseconds(1));
        await using var _ = sfu;
        ushort sequence = 1;
        var consumer = viewer.Server.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
        viewer.Media.SetTileSizes([new TileSize(consumer.Mid, 1280, 720, Hidden: true)]).Succeeded.Should().BeTrue();
        SubscriberAllocatorTileSizeTests.SendKeyFrames(sfu, camera, ref sequence);
        Thread.Sleep(5);
        SubscriberAllocatorTileSizeTests.SendKeyFrames(sfu, camera, ref sequence);
        camera.Layers.Select(l => l.DynacastPaused).Should().Equal(false, true, true);
    }

    [Test]
    public async Task Dynacast_off_pauses_nothing()
    {
        var (sfu, viewer, camera) = SubscriberAllocatorTileSizeTests.Meeting(dynacastPauseDelay: TimeSpan.Zero);
        await using var _ = sfu;
        ushort sequence = 1;
        var consumer = viewer.Server.Consumers.Single(c => c.Producer.Kind == MediaKind.Video);
        viewer.Media.SetTileSizes([new TileSize(consumer.Mid, 10, 10, Hidden: true)]).Succeeded.Should().BeTrue();
        for (var i = 0; i < 3; i++)
        {
            SubscriberAllocatorTileSizeTests.SendKeyFrames(sfu, camera, ref sequence);
            Thread.Sleep(5);
        }
        camera.Layers.Should().OnlyContain(l => !l.DynacastPaused);
        sfu.Participants["alice"].PublisherLayers.Should().BeEmpty();
    }
}
