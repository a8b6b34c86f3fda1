using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// Issue 11: a consumer's sequence numbers out close the gap of every packet it drops on purpose, map
// reordered packets and NACKs back through those drops, and wrap at 16 bits.
public sealed class SequenceNumberMapperTests
{
    [Test]
    public void Drops_close_the_gap_and_nacks_find_the_packet_sent_under_each_number_across_the_wrap()
    {
        var mapper = new SequenceNumberMapper();
        mapper.Rebase(65_530, nextOut: 100);
        var sent = new Dictionary<ushort, ushort>();
        for (var i = 0; i < 40; i++)
        {
            var sequence = (ushort)(65_530 + i);
            if (i % 4 is 1 or 3)
            {
                mapper.Drop(sequence).Should().BeTrue();
                continue;
            }
            mapper.TryMap(sequence, out var mapped).Should().BeTrue();
            sent.Add(mapped, sequence);
        }
        sent.Keys.Should().Equal(Enumerable.Range(100, 20).Select(n => (ushort)n), "one number more per forwarded packet");
        foreach (var (mapped, sequence) in sent)
        {
            mapper.TryUnmap(mapped, out var found).Should().BeTrue();
            found.Should().Be(sequence);
        }
    }

    [Test]
    public void A_late_packet_behind_a_drop_keeps_its_number_and_a_late_drop_leaves_its_gap()
    {
        var mapper = new SequenceNumberMapper();
        mapper.Rebase(10, nextOut: 1000);
        mapper.TryMap(10, out var a).Should().BeTrue();
        mapper.Drop(12).Should().BeTrue();
        mapper.TryMap(13, out var c).Should().BeTrue();
        mapper.TryMap(11, out var b).Should().BeTrue("11 was on its way, reordered behind the dropped 12");
        (a, b, c).Should().Be(((ushort)1000, (ushort)1001, (ushort)1002));
        mapper.Drop(9).Should().BeFalse("older than packets already sent: its gap cannot close");
        mapper.TryUnmap(1002, out var unmapped).Should().BeTrue();
        unmapped.Should().Be(13);
    }

    [Test]
    public void Packets_older_than_the_remembered_drops_are_refused()
    {
        var mapper = new SequenceNumberMapper();
        mapper.Rebase(0, nextOut: 0);
        for (ushort i = 1; i <= 600; i += 2)
        {
            mapper.Drop(i).Should().BeTrue();
            mapper.TryMap((ushort)(i + 1), out _).Should().BeTrue();
        }
        mapper.TryMap(2, out _).Should().BeFalse("its drops fell out of the ring: its number is unknown");
        mapper.TryUnmap(5, out _).Should().BeFalse();
        mapper.TryMap(598, out var recent).Should().BeTrue();
        mapper.TryUnmap(recent, out var back).Should().BeTrue();
        back.Should().Be(598);
    }
}
