using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpStreamTableTests
{
    [Test]
    public void Find_does_not_create_and_get_or_add_does_once()
    {
        var table = new SrtpStreamTable();

        table.Find(1).Should().BeNull();
        var stream = table.GetOrAdd(1);
        table.GetOrAdd(2);

        table.GetOrAdd(1).Should().BeSameAs(stream);
        table.Find(1).Should().BeSameAs(stream);
        table.Count.Should().Be(2);
    }

    [Test]
    public void Reset_forgets_replay_state_but_keeps_streams()
    {
        var table = new SrtpStreamTable();
        var stream = table.GetOrAdd(1);
        stream.Rtp.Accept(5);
        stream.Rtcp.Accept(5);

        table.ResetReplayState();

        table.Find(1).Should().BeSameAs(stream);
        stream.Rtp.Check(5).Should().Be(SrtpError.None);
        stream.Rtcp.Check(5).Should().Be(SrtpError.None);
    }

    [Test]
    public void Removed_stream_is_gone_even_when_it_was_the_cached_one()
    {
        var table = new SrtpStreamTable();
        table.GetOrAdd(1);

        table.Remove(1).Should().BeTrue();

        table.Find(1).Should().BeNull();
        table.Remove(1).Should().BeFalse();
        table.Count.Should().Be(0);
    }
}
