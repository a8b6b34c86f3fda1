using System.Net;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Transport;

[TestFixture]
public sealed class DestinationGrouperTests
{
    private static PacketAddress Peer(int port) => PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, port));

    [Test]
    public void Grouping_is_stable_and_copies_lengths_and_payloads()
    {
        var source = new PacketBatch(16);
        var order = new[] { 1, 2, 1, 3, 2, 1 };
        for (var i = 0; i < order.Length; i++)
            source.TryAdd(Enumerable.Repeat((byte)i, 100 + i).ToArray(), Peer(order[i]));
        new DestinationGrouper().TryGroup(source).Should().BeTrue();

        source.HasSendOrder.Should().BeTrue();
        var got = Enumerable.Range(0, source.Count).Select(p => source.SendIndex(p)).Select(i => (source[i][0], source[i].Length, source.GetAddress(i))).ToList();
        got.Should().Equal((0, 100, Peer(1)), (2, 102, Peer(1)), (5, 105, Peer(1)), (1, 101, Peer(2)), (4, 104, Peer(2)), (3, 103, Peer(3)));
    }

    [Test]
    public void Distinct_destinations_are_left_as_they_are()
    {
        var source = new PacketBatch(8);
        for (var i = 0; i < 5; i++)
            source.TryAdd([(byte)i], Peer(i));
        new DestinationGrouper().TryGroup(source).Should().BeFalse();
        source.HasSendOrder.Should().BeFalse("grouping gains nothing: the batch keeps its order");
    }

    [Test]
    public void Reuse_across_many_flushes_and_a_larger_batch_stays_correct()
    {
        var grouper = new DestinationGrouper();
        for (var round = 0; round < 5; round++)
        {
            var capacity = round < 3 ? 64 : 512;
            var source = new PacketBatch(capacity);
            for (var i = 0; i < capacity; i++)
                source.TryAdd([(byte)(i / 8)], Peer(1000 + i % 8));
            grouper.TryGroup(source).Should().BeTrue();
            var order = Enumerable.Range(0, source.Count).Select(source.SendIndex).ToList();
            order.Should().BeEquivalentTo(Enumerable.Range(0, capacity), "a permutation of the batch");
            for (var peer = 0; peer < 8; peer++)
            {
                var mine = order.Select((slot, position) => (slot, position)).Where(x => source.GetAddress(x.slot) == Peer(1000 + peer)).ToList();
                mine.Select(x => x.position).Should().HaveCount(capacity / 8);
                (mine[^1].position - mine[0].position).Should().Be(capacity / 8 - 1, "a destination's datagrams are neighbours");
                mine.Select(x => x.slot).Should().BeInAscendingOrder("and keep their order");
            }
        }
    }
}
