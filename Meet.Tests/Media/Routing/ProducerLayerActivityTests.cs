using System.Diagnostics;
using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// Which simulcast layers arrive: a layer the publisher stopped (its encoder dropped it for CPU or
// bandwidth) while lower layers go on is not "arriving" for long, so consumers on it move down at once
// instead of freezing; a track whose every layer went quiet keeps its best layer for the longer window.
[TestFixture]
public sealed class ProducerLayerActivityTests
{
    private static readonly long Millisecond = Stopwatch.Frequency / 1000;

    [Test]
    public async Task A_top_layer_silent_for_half_a_second_while_the_lower_ones_send_is_no_longer_the_best()
    {
        var (sfu, _, camera) = SubscriberAllocatorTileSizeTests.Meeting();
        await using var _ = sfu;
        var now = Stopwatch.GetTimestamp();
        Arrived(camera, now - 10 * Millisecond, now - 10 * Millisecond, now - 10 * Millisecond);
        camera.OnTick(sfu.Module.Sender);
        camera.BestLayer.Should().Be(2);

        // 720p stopped 400 ms ago: still within the frame gaps a loaded publisher can have.
        Arrived(camera, now - 5 * Millisecond, now - 5 * Millisecond, now - 400 * Millisecond);
        camera.OnTick(sfu.Module.Sender);
        camera.BestLayer.Should().Be(2);

        // 600 ms: 360p and 180p kept sending frames after 720p's last one, so 720p has stopped.
        Arrived(camera, now - 5 * Millisecond, now - 5 * Millisecond, now - 600 * Millisecond);
        camera.OnTick(sfu.Module.Sender);
        camera.BestLayer.Should().Be(1);

        // 360p stopped too: only 180p is arriving.
        Arrived(camera, now - 5 * Millisecond, now - 700 * Millisecond, now - 1200 * Millisecond);
        camera.OnTick(sfu.Module.Sender);
        camera.BestLayer.Should().Be(0);

        // 720p comes back: the best at once.
        Arrived(camera, now - 5 * Millisecond, now - 700 * Millisecond, now - 5 * Millisecond);
        camera.OnTick(sfu.Module.Sender);
        camera.BestLayer.Should().Be(2);
    }

    [Test]
    public async Task A_track_whose_every_layer_went_quiet_keeps_its_best_layer_for_the_whole_window()
    {
        var (sfu, _, camera) = SubscriberAllocatorTileSizeTests.Meeting();
        await using var _ = sfu;
        var now = Stopwatch.GetTimestamp();
        // Video muted 1 s ago: every layer stopped together, nothing overtook the top one.
        Arrived(camera, now - 1000 * Millisecond, now - 1000 * Millisecond, now - 1000 * Millisecond);
        camera.OnTick(sfu.Module.Sender);
        camera.BestLayer.Should().Be(2);
    }

    private static void Arrived(Producer camera, params long[] lastPacket)
    {
        for (var i = 0; i < lastPacket.Length; i++)
        {
            camera.Layers[i].PacketsReceived = Math.Max(1, camera.Layers[i].PacketsReceived);
            camera.Layers[i].LastPacketTimestamp = lastPacket[i];
        }
    }
}
