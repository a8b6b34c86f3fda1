using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

// The adapter BouncyCastle pulls from: its retransmission timers only work if Receive honours the wait.
[TestFixture]
public sealed class DtlsDatagramQueueTests
{
    [Test]
    public void Receive_returns_minus_one_when_the_wait_expires()
    {
        var queue = NewQueue(out _);

        queue.Receive(new byte[100], 0, 100, 20).Should().Be(-1);
    }

    [Test]
    public void Receive_returns_a_datagram_that_arrives_during_the_wait()
    {
        var queue = NewQueue(out _);
        var buffer = new byte[100];

        Task<int> receiving = Task.Run(() => queue.Receive(buffer, 0, buffer.Length, 30_000));
        SpinWait.SpinUntil(() => receiving.Status == TaskStatus.Running);
        queue.Enqueue([22, 1, 2, 3]).Should().BeTrue();

        receiving.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        receiving.Result.Should().Be(4);
        buffer[..4].Should().Equal(22, 1, 2, 3);
    }

    [Test]
    public void Datagrams_come_out_in_arrival_order_at_the_given_offset()
    {
        var queue = NewQueue(out _);
        queue.Enqueue([1, 1]);
        queue.Enqueue([2, 2, 2]);
        var buffer = new byte[10];

        queue.Receive(buffer, 5, 5, 10).Should().Be(2);
        buffer[5..7].Should().Equal(1, 1);
        queue.Receive(buffer, 0, 10, 10).Should().Be(3);
        buffer[..3].Should().Equal(2, 2, 2);
    }

    [Test]
    public void A_datagram_larger_than_the_receive_buffer_is_dropped_and_counted()
    {
        var queue = NewQueue(out DtlsCounters counters);
        queue.Enqueue(new byte[50]);

        queue.Receive(new byte[10], 0, 10, 10).Should().Be(-1);

        counters.DroppedOversize.Should().Be(1);
    }

    [Test]
    public void Closing_wakes_a_blocked_receive_with_an_exception()
    {
        var queue = NewQueue(out _);
        Task<int> receiving = Task.Run(() => queue.Receive(new byte[10], 0, 10, 0));
        SpinWait.SpinUntil(() => receiving.Status == TaskStatus.Running);

        queue.Close();

        FluentActions.Awaiting(() => receiving.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<IOException>().Wait();
        queue.Enqueue([22]).Should().BeFalse();
    }

    [Test]
    public void Sends_after_close_are_not_forwarded()
    {
        int sent = 0;
        var queue = new DtlsDatagramQueue(4, 1500, 1200, _ => sent++, new DtlsCounters());
        queue.Send([1], 0, 1);

        queue.Close();
        queue.Send([1], 0, 1);

        sent.Should().Be(1);
        queue.GetSendLimit().Should().Be(1200);
        queue.GetReceiveLimit().Should().Be(1500);
    }

    private static DtlsDatagramQueue NewQueue(out DtlsCounters counters)
    {
        counters = new DtlsCounters();
        return new DtlsDatagramQueue(4, 1500, 1200, _ => { }, counters);
    }
}
