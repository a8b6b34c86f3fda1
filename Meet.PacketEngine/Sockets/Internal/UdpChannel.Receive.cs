using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Sockets.Internal;

internal sealed partial class UdpChannel
{
    // recvmmsg into one PacketBatch per thread: every slot has a fixed iovec and a fixed sockaddr
    // slot, all pinned, so a receive allocates nothing and costs one syscall per batch.
    private sealed unsafe class MmsgReceiveLoop
    {
        private readonly UdpChannel _channel;
        private readonly Socket _socket;
        private readonly PacketBatch _batch;
        private readonly Native.MMsgHdr[] _messages;
        private readonly Native.IoVec[] _iovecs;
        private readonly byte[] _names;

        public MmsgReceiveLoop(UdpChannel channel, Socket socket, int batchSize, int slotSize)
        {
            _channel = channel;
            _socket = socket;
            _batch = new PacketBatch(batchSize, slotSize);
            _messages = GC.AllocateArray<Native.MMsgHdr>(batchSize, pinned: true);
            _iovecs = GC.AllocateArray<Native.IoVec>(batchSize, pinned: true);
            _names = GC.AllocateArray<byte>(batchSize * Native.SockaddrSlotSize, pinned: true);
            for (var i = 0; i < batchSize; i++)
            {
                _iovecs[i].Base = _batch.GetSlotPointer(i);
                _iovecs[i].Length = (nuint)slotSize;
                _messages[i].Header.Name = Pointer(_names, i * Native.SockaddrSlotSize);
                _messages[i].Header.Iov = (Native.IoVec*)Unsafe.AsPointer(ref _iovecs[i]);
                _messages[i].Header.IovLength = 1;
            }
        }

        public void Run()
        {
            var handle = _socket.SafeHandle;
            var messages = (Native.MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_messages));
            var capacity = (uint)_messages.Length;
            while (!_channel.Stopping)
            {
                for (var i = 0; i < capacity; i++)
                    messages[i].Header.NameLength = Native.SockaddrSlotSize;
                int received;
                try
                {
                    // MSG_WAITFORONE: block for the first datagram, then take whatever else is queued.
                    received = Native.RecvMmsg(handle, messages, capacity, Native.MsgWaitForOne, null);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                if (received > 0)
                {
                    Process(messages, received);
                    continue;
                }
                if (received < 0)
                {
                    var errno = LastErrno();
                    if (errno is Native.EAgain or Native.EIntr || _channel.Stopping)
                        continue;
                    _channel.ReportReceiveError(errno);
                    Thread.Sleep(10);
                }
            }
        }

        private void Process(Native.MMsgHdr* messages, int received)
        {
            var lengths = _batch.Lengths;
            var addresses = _batch.Addresses;
            var counters = _channel.Counters;
            var slotSize = _batch.SlotSize;
            var kept = 0;
            long bytes = 0;
            for (var i = 0; i < received; i++)
            {
                ref var message = ref messages[i];
                if ((message.Header.Flags & Native.MsgTrunc) != 0)
                {
                    counters.AddDrop(DropReason.Oversized);
                    continue;
                }
                var name = new ReadOnlySpan<byte>(message.Header.Name, (int)Math.Min(message.Header.NameLength, Native.SockaddrSlotSize));
                if (!PacketAddress.TryFromSockaddr(name, out var address))
                {
                    counters.AddDrop(DropReason.Malformed);
                    continue;
                }
                var length = (int)message.Length;
                // Drops are rare: close the gap by copying rather than keeping an index map.
                if (kept != i)
                    Buffer.MemoryCopy(_batch.GetSlotPointer(i), _batch.GetSlotPointer(kept), slotSize, length);
                lengths[kept] = length;
                addresses[kept] = address;
                bytes += length;
                kept++;
            }
            if (kept == 0)
                return;
            _batch.SetCount(kept);
            counters.AddReceived(kept, bytes);
            _channel.Deliver(_batch);
        }

        private static byte* Pointer(byte[] pinned, int offset) => (byte*)Unsafe.AsPointer(ref pinned[offset]);
    }

    // The portable path: one Socket.ReceiveFrom per datagram with a reused SocketAddress (0 B).
    private sealed unsafe class ManagedReceiveLoop
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
            var receiveSpan = new Span<byte>(_batch.GetSlotPointer(0), slotSize + 1);
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
                counters.AddReceived(1, length);
                _channel.Deliver(_batch);
            }
        }
    }
}
