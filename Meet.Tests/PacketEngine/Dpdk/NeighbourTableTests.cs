using Meet.PacketEngine.Dpdk;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk;

public class NeighbourTableTests
{
    [Test]
    public void Learned_address_resolves_and_a_new_mac_replaces_the_old()
    {
        var table = new NeighbourTable(4);
        table.Learn(0x0A000001, new MacAddress(1));
        table.Learn(0x0A000001, new MacAddress(2));

        table.TryGet(0x0A000001, out var mac).Should().BeTrue();
        mac.Should().Be(new MacAddress(2));
        table.Count.Should().Be(1);
        table.TryGet(0x0A000002, out _).Should().BeFalse();
    }

    [Test]
    public void A_full_table_keeps_its_entries_instead_of_evicting()
    {
        var table = new NeighbourTable(2);
        table.Learn(1, new MacAddress(1));
        table.Learn(2, new MacAddress(2));
        table.Learn(3, new MacAddress(3));

        table.Count.Should().Be(2);
        table.TryGet(3, out _).Should().BeFalse();
        table.TryGet(1, out _).Should().BeTrue();
        table.Learn(1, new MacAddress(9));
        table.TryGet(1, out var updated).Should().BeTrue();
        updated.Should().Be(new MacAddress(9), "known entries still update when full");
    }
}
