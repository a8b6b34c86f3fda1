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
}
