using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Sockets.Internal;

internal static unsafe partial class Native
{
    // The recvmmsg structures for one PacketBatch: every slot gets a fixed iovec and a fixed
    // sockaddr slot, all pinned, so a receive allocates nothing and costs one syscall per batch.
    public sealed class ReceiveMessages
    {
        private readonly MMsgHdr[] _messages;
        private readonly IoVec[] _iovecs;
        private readonly byte[] _names;
        // One SO_TIMESTAMPNS control message per slot, when the socket has the option on.
        private readonly byte[]? _controls;

        public ReceiveMessages(PacketBatch batch, bool kernelTimestamps)
        {
            var capacity = batch.Capacity;
            _messages = GC.AllocateArray<MMsgHdr>(capacity, pinned: true);
            _iovecs = GC.AllocateArray<IoVec>(capacity, pinned: true);
            _names = GC.AllocateArray<byte>(capacity * SockaddrSlotSize, pinned: true);
            for (var i = 0; i < capacity; i++)
            {
                _iovecs[i].Base = batch.GetSlotPointer(i);
                _iovecs[i].Length = (nuint)batch.SlotSize;
                _messages[i].Header.Name = Unsafe.AsPointer(ref _names[i * SockaddrSlotSize]);
                _messages[i].Header.Iov = (IoVec*)Unsafe.AsPointer(ref _iovecs[i]);
                _messages[i].Header.IovLength = 1;
            }
            if (kernelTimestamps)
            {
                _controls = GC.AllocateArray<byte>(capacity * TimestampCmsgSpace, pinned: true);
                for (var i = 0; i < capacity; i++)
                    _messages[i].Header.Control = Unsafe.AsPointer(ref _controls[i * TimestampCmsgSpace]);
            }
        }

        /// <summary>
        /// Blocks for the first datagram (MSG_WAITFORONE), then takes whatever else is queued; with
        /// <paramref name="wait"/> false takes only what is queued (EAGAIN when nothing is).
        /// Returns how many slots were filled, or the negated errno.
        /// </summary>
        public int Receive(SafeSocketHandle socket, bool wait = true)
        {
            var controlLength = _controls is null ? 0u : TimestampCmsgSpace;
            for (var i = 0; i < _messages.Length; i++)
            {
                _messages[i].Header.NameLength = SockaddrSlotSize;
                _messages[i].Header.ControlLength = controlLength;
            }
            var messages = (MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_messages));
            var received = RecvMmsg(socket, messages, (uint)_messages.Length, wait ? MsgWaitForOne : MsgWaitForOne | MsgDontWait, null);
            return received >= 0 ? received : -Marshal.GetLastPInvokeError();
        }

        /// <summary>The datagram did not fit its slot (MSG_TRUNC).</summary>
        public bool IsTruncated(int index) => (_messages[index].Header.Flags & MsgTrunc) != 0;

        public int GetLength(int index) => (int)_messages[index].Length;

        /// <summary>The kernel's receive time of datagram <paramref name="index"/> in nanoseconds since the Unix epoch; 0 when it gave none.</summary>
        public long GetKernelTimestampNanoseconds(int index)
        {
            if (_controls is null || _messages[index].Header.ControlLength < TimestampCmsgSpace)
                return 0;
            var control = _controls.AsSpan(index * TimestampCmsgSpace, TimestampCmsgSpace);
            var header = MemoryMarshal.Read<CmsgHdr>(control);
            if (header.Level != SolSocket || header.Type != SoTimestampNs)
                return 0;
            var seconds = MemoryMarshal.Read<long>(control[16..]);
            var nanoseconds = MemoryMarshal.Read<long>(control[24..]);
            return seconds * 1_000_000_000 + nanoseconds;
        }

        public ReadOnlySpan<byte> GetName(int index) =>
            _names.AsSpan(index * SockaddrSlotSize, (int)Math.Min(_messages[index].Header.NameLength, SockaddrSlotSize));
    }
}
