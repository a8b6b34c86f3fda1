using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtcp;

namespace Meet.Tests.Media.Protocols.Rtcp;

public class RtcpNackItemTests
{
    [Test]
    public void Pid_and_bitmask_expand_to_the_lost_sequence_numbers()
    {
        // PID 100, BLP 0b1000_0000_0000_0101: 101, 103 and 116 lost too (RFC 4585 §6.2.1).
        var item = new RtcpNackItem(100, 0x8005);
        var lost = new ushort[RtcpNackItem.MaxSequenceNumbers];

        var count = item.CopyLostTo(lost);

        lost[..count].Should().Equal(100, 101, 103, 116);
        item.LostCount.Should().Be(4);
    }

    [Test]
    public void Build_packs_17_consecutive_losses_into_one_item_and_starts_a_new_one_after()
    {
        var lost = Enumerable.Range(0, 18).Select(i => (ushort)(1000 + i)).ToArray();
        var items = new RtcpNackItem[4];

        var count = RtcpNackItem.Build(lost, items);

        count.Should().Be(2);
        items[0].Should().Be(new RtcpNackItem(1000, 0xFFFF));
        items[1].Should().Be(new RtcpNackItem(1017, 0));
    }

    [Test]
    public void Build_handles_the_sequence_number_wrap()
    {
        var items = new RtcpNackItem[2];

        RtcpNackItem.Build([65534, 65535, 0, 2], items).Should().Be(1);

        items[0].Should().Be(new RtcpNackItem(65534, 0b1011));
    }

    [Test]
    public void Build_reports_a_too_small_destination()
    {
        RtcpNackItem.Build([1, 100, 200], new RtcpNackItem[2]).Should().Be(-1);
        new RtcpNackItem(1, 0xFFFF).CopyLostTo(new ushort[16]).Should().Be(-1);
    }

    [Test]
    public void Build_then_expand_returns_the_original_losses() => Prop.ForAll<ushort, byte[]>((start, gaps) =>
    {
        var lost = new List<ushort>();
        var sequence = start;
        foreach (var gap in (gaps ?? []).Take(200))
        {
            sequence = (ushort)(sequence + 1 + gap % 40);
            lost.Add(sequence);
        }
        var items = new RtcpNackItem[lost.Count];
        var count = RtcpNackItem.Build(lost.ToArray(), items);
        count.Should().BeInRange(0, lost.Count);

        var expanded = new List<ushort>();
        var buffer = new ushort[RtcpNackItem.MaxSequenceNumbers];
        foreach (var item in items.Take(count))
            expanded.AddRange(buffer.Take(item.CopyLostTo(buffer)));
        expanded.Should().Equal(lost);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}
