using Meet.Modules.Media.Bandwidth;

namespace Meet.Tests.Media.Bandwidth;

// The per-subscriber record of what we sent (issue 14: 8-byte entries, a ring sized by the packet rate).
[TestFixture]
public sealed class SendHistoryTests
{
    [Test]
    public void Nothing_is_allocated_before_the_first_send()
    {
        var history = new SendHistory();
        history.Capacity.Should().Be(0);
        history.TryGet(0, out _, out _, out _, out _).Should().BeFalse();
        history.TryTakeLostVerdict(long.MaxValue, out _, out _, out _).Should().BeFalse();

        history.Add(1_000, 1200).Should().Be(0);
        history.Capacity.Should().Be(SendHistory.InitialCapacity);
    }

    [Test]
    public void A_slow_downlink_keeps_the_initial_ring_and_forgets_what_it_wrote_over()
    {
        var history = new SendHistory();
        // 100 packets a second: the initial ring holds 2.56 s, more than RetainMicroseconds.
        var count = SendHistory.InitialCapacity + 10;
        for (var i = 0; i < count; i++)
            history.Add(i * 10_000L, 1000 + i);

        history.Capacity.Should().Be(SendHistory.InitialCapacity);
        history.TryGet(9, out _, out _, out _, out _).Should().BeFalse("its slot was reused");
        history.TryGet(10, out var sent, out var size, out _, out _).Should().BeTrue();
        (sent, size).Should().Be((100_000L, 1010));
        history.TryGet(count, out _, out _, out _, out _).Should().BeFalse("not sent yet");
    }

    [Test]
    public void A_fast_downlink_grows_the_ring_so_the_last_two_seconds_stay_and_entries_keep_their_values()
    {
        var history = new SendHistory();
        // 2,000 packets a second for 3 s: 4,000 packets within RetainMicroseconds.
        const int count = 6000;
        for (var i = 0; i < count; i++)
        {
            history.Add(i * 500L, 100 + i % 1000, cluster: i / 100);
            if (i % 3 == 0)
                history.SetState(i, SendHistory.FeedbackState.Received);
        }

        history.Capacity.Should().Be(4096);
        var oldestKept = count - 4000;
        for (var i = oldestKept; i < count; i++)
        {
            history.TryGet(i, out var sent, out var size, out var cluster, out var state).Should().BeTrue();
            (sent, size, cluster).Should().Be((i * 500L, 100 + i % 1000, i / 100));
            state.Should().Be(i % 3 == 0 ? SendHistory.FeedbackState.Received : SendHistory.FeedbackState.Unreported);
        }
    }

    [Test]
    public void The_ring_never_grows_past_its_maximum()
    {
        var history = new SendHistory();
        for (var i = 0; i < SendHistory.MaxCapacity * 2; i++)
            history.Add(1_000, 1200);

        history.Capacity.Should().Be(SendHistory.MaxCapacity);
        history.TryGet(SendHistory.MaxCapacity - 1, out _, out _, out _, out _).Should().BeFalse();
        history.TryGet(SendHistory.MaxCapacity, out _, out _, out _, out _).Should().BeTrue();
    }

    [Test]
    public void Send_times_stay_exact_over_hours_of_a_call()
    {
        var history = new SendHistory();
        const long hour = 3_600_000_000L;
        for (long t = 0; t <= 3 * hour; t += 60_000_000)
            history.Add(t, 500);
        history.Add(3 * hour + 1, 600);

        history.TryGet(history.Sent - 1, out var last, out var size, out _, out _).Should().BeTrue();
        (last, size).Should().Be((3 * hour + 1, 600));
        history.TryGet(history.Sent - 2, out var previous, out _, out _, out _).Should().BeTrue();
        previous.Should().Be(3 * hour);
    }

    [Test]
    public void Probe_cluster_ids_beyond_the_tag_range_come_back_for_recent_packets()
    {
        var history = new SendHistory();
        for (var cluster = 0; cluster < 1000; cluster++)
        {
            history.Add(cluster * 1000L, 1200, cluster);
            history.Add(cluster * 1000L + 1, 1200);
        }

        history.TryGet(history.Sent - 2, out _, out _, out var newest, out _).Should().BeTrue();
        newest.Should().Be(999);
        history.TryGet(history.Sent - 1, out _, out _, out var none, out _).Should().BeTrue();
        none.Should().Be(-1);
        history.TryGet(history.Sent - 200, out _, out _, out var older, out _).Should().BeTrue();
        older.Should().Be(900);
    }

    [Test]
    public void A_lost_verdict_comes_once_the_packet_is_old_enough_and_only_for_packets_last_reported_lost()
    {
        var history = new SendHistory();
        for (var i = 0; i < 10; i++)
            history.Add(i * 10_000L, 100 + i);
        history.SetState(2, SendHistory.FeedbackState.ReportedLost);
        history.SetState(5, SendHistory.FeedbackState.ReportedLost);
        history.SetState(5, SendHistory.FeedbackState.Received);
        history.SetState(7, SendHistory.FeedbackState.ReportedLost);

        history.TryTakeLostVerdict(60_000, out var sent, out var size, out _).Should().BeTrue();
        (sent, size).Should().Be((20_000L, 102));
        history.TryTakeLostVerdict(60_000, out _, out _, out _).Should().BeFalse("7 was sent after the cut-off, 5 arrived");
        history.TryTakeLostVerdict(100_000, out sent, out _, out _).Should().BeTrue();
        sent.Should().Be(70_000);
    }
}
