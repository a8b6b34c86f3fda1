using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Sockets.Internal;

internal sealed partial class UdpChannel
{
    // recvmmsg into one PacketBatch per thread (Native.ReceiveMessages owns the pinned structures).
    private sealed class MmsgReceiveLoop
    {
        private readonly UdpChannel _channel;
        private readonly Socket _socket;
        private readonly PacketBatch _batch;
        private readonly Native.ReceiveMessages _messages;

        // Kernel receive times are CLOCK_REALTIME; a datagram's age is converted to Stopwatch ticks and
        // clamped, so a wall-clock step cannot stamp a datagram in the future or long ago.
        private static readonly long MaxAgeNanoseconds = 1_000_000_000;
        private static readonly double TicksPerNanosecond = Stopwatch.Frequency / 1e9;

        public MmsgReceiveLoop(UdpChannel channel, Socket socket, int batchSize, int slotSize, bool kernelTimestamps)
        {
            _channel = channel;
            _socket = socket;
            _batch = new PacketBatch(batchSize, slotSize);
            _messages = new Native.ReceiveMessages(_batch, kernelTimestamps && TryEnableKernelTimestamps(socket));
        }

        private static bool TryEnableKernelTimestamps(Socket socket)
        {
            try
            {
                // Raw: SetSocketOption maps its enum to platform values and knows no SO_TIMESTAMPNS.
                socket.SetRawSocketOption(Native.SolSocket, Native.SoTimestampNs, BitConverter.GetBytes(1));
                return true;
            }
            catch (SocketException)
            {
                // Without them each datagram is stamped when the loop reads it.
                return false;
            }
        }

        // With a holding receiver (IHoldingPacketReceiver, issue 14) the loop keeps the receiver's deadline:
        // while something is held it only takes what is queued and otherwise waits for the socket no longer
        // than the deadline, then lets the receiver send what it holds.
        public void Run()
        {
            var handle = _socket.SafeHandle;
            long heldUntil = 0;
            while (!_channel.Stopping)
            {
                int received;
                try
                {
                    received = _messages.Receive(handle, wait: heldUntil == 0);
                }
                catch (ObjectDisposedException)
                {
                    break;
                }
                if (received > 0)
                {
                    heldUntil = Process(received, heldUntil);
                    // Datagrams arriving back to back must not stretch a hold past its deadline.
                    if (heldUntil != 0 && Stopwatch.GetTimestamp() >= heldUntil)
                        heldUntil = _channel.ExpireHold();
                    continue;
                }
                var errno = -received;
                if (heldUntil != 0 && errno == Native.EAgain)
                {
                    heldUntil = WaitWhileHeld(handle, heldUntil);
                    continue;
                }
                if (received == 0 || errno is Native.EAgain or Native.EIntr || _channel.Stopping)
                    continue;
                _channel.ReportReceiveError(errno);
                // The pause after an error must not hold the receiver's sends with it.
                if (heldUntil != 0)
                    heldUntil = _channel.ExpireHold();
                Thread.Sleep(10);
            }
            if (heldUntil != 0)
                _channel.ExpireHold();
        }

        // Nothing queued while the receiver holds sends: wait for a datagram until the deadline at most.
        // Returns the deadline still running, or 0 once the hold is released.
        private long WaitWhileHeld(SafeSocketHandle handle, long heldUntil)
        {
            var remaining = heldUntil - Stopwatch.GetTimestamp();
            try
            {
                if (remaining > 0 && Native.WaitReadable(handle, (long)(remaining / TicksPerNanosecond)))
                    return heldUntil;
            }
            catch (ObjectDisposedException)
            {
                // Closing: the next receive ends the loop, which releases the hold.
                return heldUntil;
            }
            return _channel.ExpireHold();
        }

        // Returns the receiver's hold deadline after this batch (heldUntil when nothing was kept).
        private long Process(int received, long heldUntil)
        {
            var lengths = _batch.Lengths;
            var addresses = _batch.Addresses;
            var timestamps = _batch.ReceiveTimestamps;
            var counters = _channel.Counters;
            var readTicks = Stopwatch.GetTimestamp();
            var realNowNanoseconds = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            var kept = 0;
            long bytes = 0;
            for (var i = 0; i < received; i++)
            {
                if (_messages.IsTruncated(i))
                {
                    counters.AddDrop(DropReason.Oversized);
                    continue;
                }
                if (!PacketAddress.TryFromSockaddr(_messages.GetName(i), out var address))
                {
                    counters.AddDrop(DropReason.Malformed);
                    continue;
                }
                var length = _messages.GetLength(i);
                // Drops are rare: close the gap by copying rather than keeping an index map.
                if (kept != i)
                    _batch.GetSlot(i)[..length].CopyTo(_batch.GetSlot(kept));
                lengths[kept] = length;
                addresses[kept] = address;
                var kernelNanoseconds = _messages.GetKernelTimestampNanoseconds(i);
                timestamps[kept] = kernelNanoseconds == 0 ? readTicks
                    : readTicks - (long)(Math.Clamp(realNowNanoseconds - kernelNanoseconds, 0, MaxAgeNanoseconds) * TicksPerNanosecond);
                bytes += length;
                kept++;
            }
            if (kept == 0)
                return heldUntil;
            _batch.SetCount(kept);
            counters.AddReceived(kept, bytes);
            return _channel.DeliverHolding(_batch);
        }
    }

    // The portable path: one Socket.ReceiveFrom per datagram with a reused SocketAddress (0 B).
    private sealed class ManagedReceiveLoop
    {
        private readonly UdpChannel _channel;
        private readonly Socket _socket;
        private readonly PacketBatch _batch;
        private readonly SocketAddress _from;

        public ManagedReceiveLoop(UdpChannel channel, Socket socket, int slotSize)
        {
            _channel = channel;
            _socket = socket;
            // Two slots so the receive span can reach one byte past slot 0: ReceiveFrom silently
            // truncates, so a datagram that fills slotSize + 1 bytes is known to be oversized.
            _batch = new PacketBatch(2, slotSize);
            _from = new SocketAddress(socket.AddressFamily);
        }

        public void Run()
        {
            var slotSize = _batch.SlotSize;
            var counters = _channel.Counters;
            // Slot 0 plus the first byte of slot 1 (the batch has two, contiguous in one buffer).
            var receiveSpan = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(_batch.GetSlot(0)), slotSize + 1);
            while (!_channel.Stopping)
            {
                int length;
                try
                {
                    length = _socket.ReceiveFrom(receiveSpan, SocketFlags.None, _from);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
                {
                    continue;
                }
                catch (SocketException ex)
                {
                    if (_channel.Stopping)
                        return;
                    _channel.ReportReceiveError(ex.ErrorCode);
                    Thread.Sleep(10);
                    continue;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                if (_channel.Stopping)
                    return;
                if (length > slotSize)
                {
                    counters.AddDrop(DropReason.Oversized);
                    continue;
                }
                if (!PacketAddress.TryFromSocketAddress(_from, out var address))
                {
                    counters.AddDrop(DropReason.Malformed);
                    continue;
                }
                _batch.SetCount(1);
                _batch.Lengths[0] = length;
                _batch.Addresses[0] = address;
                _batch.ReceiveTimestamps[0] = Stopwatch.GetTimestamp();
                counters.AddReceived(1, length);
                _channel.Deliver(_batch);
            }
        }
    }
}
