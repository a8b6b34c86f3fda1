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
        var target = new PacketBatch(16);

        new DestinationGrouper().TryGroup(source, target).Should().BeTrue();

        var got = Enumerable.Range(0, target.Count).Select(i => (target[i][0], target[i].Length, target.GetAddress(i))).ToList();
        got.Should().Equal((0, 100, Peer(1)), (2, 102, Peer(1)), (5, 105, Peer(1)), (1, 101, Peer(2)), (4, 104, Peer(2)), (3, 103, Peer(3)));
    }

    [Test]
    public void Distinct_destinations_are_left_as_they_are()
    {
        var source = new PacketBatch(8);
        for (var i = 0; i < 5; i++)
            source.TryAdd([(byte)i], Peer(i));
        var target = new PacketBatch(8);
        target.TryAdd([9], Peer(9));

        new DestinationGrouper().TryGroup(source, target).Should().BeFalse();
        target.Count.Should().Be(1, "the target is untouched when grouping gains nothing");
    }

    [Test]
    public void Reuse_across_many_flushes_and_a_larger_batch_stays_correct()
    {
        var grouper = new DestinationGrouper();
        var target = new PacketBatch(512);
        for (var round = 0; round < 5; round++)
        {
            var capacity = round < 3 ? 64 : 512;
            var source = new PacketBatch(capacity);
            for (var i = 0; i < capacity; i++)
                source.TryAdd([(byte)(i / 8)], Peer(1000 + i % 8));
            grouper.TryGroup(source, target).Should().BeTrue();
            target.Count.Should().Be(capacity);
            for (var peer = 0; peer < 8; peer++)
            {
                var mine = Enumerable.Range(0, target.Count).Where(i => target.GetAddress(i) == Peer(1000 + peer)).ToList();
                mine.Should().HaveCount(capacity / 8).And.BeInAscendingOrder();
                mine.Select(i => (int)target[i][0]).Should().BeInAscendingOrder("a destination's datagrams keep their order");
            }
        }
    }
}
