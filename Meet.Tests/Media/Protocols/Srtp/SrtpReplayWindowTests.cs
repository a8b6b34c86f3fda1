using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpReplayWindowTests
{
    [Test]
    public void Empty_window_accepts_any_index()
    {
        var window = default(SrtpReplayWindow);

        window.Check(123_456).Should().Be(SrtpError.None);
        window.IsInitialised.Should().BeFalse();
    }

    [Test]
    public void Accepted_index_is_a_replay_afterwards()
    {
        var window = default(SrtpReplayWindow);
        window.Accept(10);

        window.Check(10).Should().Be(SrtpError.Replayed);
        window.Check(11).Should().Be(SrtpError.None);
        window.Check(9).Should().Be(SrtpError.None);
    }

    [Test]
    public void Late_packets_inside_the_window_are_accepted_once()
    {
        var window = default(SrtpReplayWindow);
        window.Accept(5000);
        for (ulong late = 5000 - SrtpReplayWindow.Size + 1; late < 5000; late += 97)
        {
            window.Check(late).Should().Be(SrtpError.None);
            window.Accept(late);
            window.Check(late).Should().Be(SrtpError.Replayed);
        }
    }

    [Test]
    public void Index_at_or_beyond_the_window_size_behind_is_too_old()
    {
        var window = default(SrtpReplayWindow);
        window.Accept(5000);

        window.Check(5000 - SrtpReplayWindow.Size).Should().Be(SrtpError.TooOld);
        window.Check(5000 - SrtpReplayWindow.Size + 1).Should().Be(SrtpError.None);
    }

    [Test]
    public void Advancing_forgets_the_ring_slots_that_fell_out_of_the_window()
    {
        var window = default(SrtpReplayWindow);
        window.Accept(100);
        window.Accept(101);

        // 100 + Size shares 100's ring slot: seen-bits of the old index must not leak into it.
        window.Check(100 + SrtpReplayWindow.Size).Should().Be(SrtpError.None);
        window.Accept(100 + SrtpReplayWindow.Size);
        window.Check(101 + SrtpReplayWindow.Size).Should().Be(SrtpError.None);
        window.Check(101).Should().Be(SrtpError.Replayed);
        window.Check(100).Should().Be(SrtpError.TooOld);
    }

    [Test]
    public void A_jump_larger_than_the_window_clears_everything()
    {
        var window = default(SrtpReplayWindow);
        for (ulong i = 0; i < 64; i++)
        {
            window.Accept(i);
        }

        window.Accept(10 * SrtpReplayWindow.Size);

        window.Highest.Should().Be(10 * SrtpReplayWindow.Size);
        for (ulong i = (9 * SrtpReplayWindow.Size) + 1; i < (9 * SrtpReplayWindow.Size) + 64; i++)
        {
            window.Check(i).Should().Be(SrtpError.None);
        }
    }

    [Test]
    public void Random_order_accepts_each_index_exactly_once()
    {
        var window = default(SrtpReplayWindow);
        var random = new Random(7);
        var order = Enumerable.Range(1000, 500).Select(i => (ulong)i).OrderBy(_ => random.Next()).ToList();
        var accepted = new HashSet<ulong>();

        foreach (var index in order.Concat(order))
        {
            if (window.Check(index) == SrtpError.None)
            {
                accepted.Add(index).Should().BeTrue($"{index} was accepted twice");
                window.Accept(index);
            }
        }

        accepted.Should().HaveCount(500);
    }
}
