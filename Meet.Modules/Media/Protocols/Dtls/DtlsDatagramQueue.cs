using System.Buffers;
using Org.BouncyCastle.Tls;

namespace Meet.Modules.Media.Protocols.Dtls;

// BouncyCastle's DTLS engine pulls datagrams through a blocking Receive(waitMillis) and drives its
// retransmission timers from the timeouts it passes. The SFU's packet engine owns the socket and pushes
// datagrams in, so this adapter turns pushes (Enqueue) into pulls: a bounded FIFO of pooled buffers
// guarded by a monitor. A full queue drops the newest datagram — DTLS retransmits, so dropping is safe.
internal sealed class DtlsDatagramQueue : DatagramTransport
{
    private readonly Queue<(byte[] Buffer, int Length)> _queue;
    private readonly int _capacity;
    private readonly int _receiveLimit;
    private readonly int _sendLimit;
    private readonly DtlsSendCallback _send;
    private readonly DtlsCounters _counters;
    private bool _closed;

    public DtlsDatagramQueue(int capacity, int receiveLimit, int sendLimit, DtlsSendCallback send, DtlsCounters counters)
    {
        _capacity = capacity;
        _receiveLimit = receiveLimit;
        _sendLimit = sendLimit;
        _send = send;
        _counters = counters;
        _queue = new Queue<(byte[], int)>(capacity);
    }

    public bool IsClosed
    {
        get
        {
            lock (_queue)
            {
                return _closed;
            }
        }
    }

    public bool HasPending
    {
        get
        {
            lock (_queue)
            {
                return !_closed && _queue.Count > 0;
            }
        }
    }

    public bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > _receiveLimit)
        {
            _counters.IncrementDroppedOversize();
            return false;
        }

        lock (_queue)
        {
            if (_closed)
            {
                return false;
            }

            if (_queue.Count >= _capacity)
            {
                _counters.IncrementDroppedQueueFull();
                return false;
            }

            byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _queue.Enqueue((buffer, datagram.Length));
            Monitor.Pulse(_queue);
            return true;
        }
    }

    public int GetReceiveLimit() => _receiveLimit;

    public int GetSendLimit() => _sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    // Returns -1 when the wait expires, which BouncyCastle's record layer treats as a timeout tick
    // (it then retransmits its last flight or checks the handshake deadline). waitMillis 0 means forever.
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        long deadline = waitMillis > 0 ? Environment.TickCount64 + waitMillis : long.MaxValue;
        lock (_queue)
        {
            while (true)
            {
                if (_closed)
                {
                    throw new DtlsTransportClosedException();
                }

                if (_queue.TryDequeue(out var item))
                {
                    try
                    {
                        if (item.Length > buffer.Length)
                        {
                            _counters.IncrementDroppedOversize();
                            continue;
                        }

                        item.Buffer.AsSpan(0, item.Length).CopyTo(buffer);
                        return item.Length;
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(item.Buffer);
                    }
                }

                long remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    return -1;
                }

                Monitor.Wait(_queue, (int)Math.Min(remaining, int.MaxValue));
            }
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!IsClosed)
        {
            _send(buffer);
        }
    }

    public void Close()
    {
        lock (_queue)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            while (_queue.TryDequeue(out var item))
            {
                ArrayPool<byte>.Shared.Return(item.Buffer);
            }

            Monitor.PulseAll(_queue);
        }
    }
}
