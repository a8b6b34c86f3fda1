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

        public ReceiveMessages(PacketBatch batch)
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
        }

        /// <summary>
        /// Blocks for the first datagram (MSG_WAITFORONE), then takes whatever else is queued.
        /// Returns how many slots were filled, or the negated errno.
        /// </summary>
        public int Receive(SafeSocketHandle socket)
        {
            for (var i = 0; i < _messages.Length; i++)
                _messages[i].Header.NameLength = SockaddrSlotSize;
            var messages = (MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_messages));
            var received = RecvMmsg(socket, messages, (uint)_messages.Length, MsgWaitForOne, null);
            return received >= 0 ? received : -Marshal.GetLastPInvokeError();
        }

        /// <summary>The datagram did not fit its slot (MSG_TRUNC).</summary>
        public bool IsTruncated(int index) => (_messages[index].Header.Flags & MsgTrunc) != 0;

        public int GetLength(int index) => (int)_messages[index].Length;

        public ReadOnlySpan<byte> GetName(int index) =>
            _names.AsSpan(index * SockaddrSlotSize, (int)Math.Min(_messages[index].Header.NameLength, SockaddrSlotSize));
    }
}
