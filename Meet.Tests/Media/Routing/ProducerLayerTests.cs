using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

[TestFixture]
public sealed class ProducerLayerTests
{
    [Test]
    public void Extended_highest_sequence_counts_wraps_and_ignores_late_packets()
    {
        var layer = new ProducerLayer("h");
        layer.OnPacket(65534, 1);
        layer.OnPacket(65535, 2);
        layer.OnPacket(0, 3);
        layer.OnPacket(65533, 4);
        layer.OnPacket(1, 5);

        layer.ExtendedHighestSequence.Should().Be(0x1_0001u, "one wrap, then sequence 1");
        layer.BaseSequence.Should().Be(65534u);
        layer.PacketsReceived.Should().Be(5);
        layer.LastPacketTimestamp.Should().Be(5);
    }

    private static readonly long Tick = System.Diagnostics.Stopwatch.Frequency / 10;

    // Media at `bitsPerSecond` for `ticks` tenths of a second (none when 0), measured every tenth as the router's tick does.
    private static void Flow(ProducerLayer layer, ref long now, int ticks, double bitsPerSecond)
    {
        for (var i = 0; i < ticks; i++)
        {
            now += Tick;
            layer.Octets += (long)(bitsPerSecond / 8 / 10);
            layer.MeasureBitrate(now);
        }
    }

    [Test]
    public void A_layer_that_stops_keeps_the_rate_it_had_while_it_flowed()
    {
        var layer = new ProducerLayer("f");
        long now = 1;
        layer.MeasureBitrate(now);
        Flow(layer, ref now, 50, 1_500_000);
        layer.Bitrate.Should().BeApproximately(1_500_000, 50_000);

        // Stops 0.3 s into a window (dynacast paused it), then nothing for ten seconds.
        Flow(layer, ref now, 3, 1_500_000);
        Flow(layer, ref now, 100, 0);

        layer.Bitrate.Should().BeApproximately(1_500_000, 50_000, "the window it stopped in was mostly idle and is not a measure of its rate");
    }

    [Test]
    public void A_resumed_layer_does_not_dip_below_its_kept_rate_on_the_window_it_resumed_in()
    {
        var layer = new ProducerLayer("f");
        long now = 1;
        layer.MeasureBitrate(now);
        Flow(layer, ref now, 30, 500_000);
        Flow(layer, ref now, 30, 0);
        var kept = layer.Bitrate;
        // Resumes 0.9 s into a window at a higher rate.
        Flow(layer, ref now, 9, 0);
        var lowest = double.MaxValue;
        for (var i = 0; i < 60; i++)
        {
            Flow(layer, ref now, 1, 1_500_000);
            lowest = Math.Min(lowest, layer.Bitrate);
        }

        lowest.Should().BeGreaterThanOrEqualTo(kept, "the window it resumed in was mostly idle and is skipped");
        layer.Bitrate.Should().BeGreaterThan(1_300_000);
    }
}
