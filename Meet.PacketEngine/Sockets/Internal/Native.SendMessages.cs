using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Sockets.Internal;

internal static unsafe partial class Native
{
    // sendmmsg structures, filled message by message: each message points its iovecs straight at
    // batch slots (no copy) and, for a GSO run, carries a UDP_SEGMENT control message.
    public sealed class SendMessages
    {
        public const int MaxMessages = 256;
        public const int MaxIovecs = 1024;

        private readonly MMsgHdr[] _messages = GC.AllocateArray<MMsgHdr>(MaxMessages, pinned: true);
        private readonly IoVec[] _iovecs = GC.AllocateArray<IoVec>(MaxIovecs, pinned: true);
        private readonly byte[] _names = GC.AllocateArray<byte>(MaxMessages * SockaddrSlotSize, pinned: true);
        private readonly byte[] _control = GC.AllocateArray<byte>(MaxMessages * GsoCmsgSpace, pinned: true);
        private readonly int[] _firstPacket = new int[MaxMessages];
        private readonly int[] _packetCount = new int[MaxMessages];
        private readonly long[] _bytes = new long[MaxMessages];

        public int Count { get; private set; }

        public int IovecCount { get; private set; }

        public bool IsFull => Count == MaxMessages || IovecCount == MaxIovecs;

        public void Clear()
        {
            Count = 0;
            IovecCount = 0;
        }

        /// <summary>
        /// Adds one message to <paramref name="destination"/> carrying datagrams
        /// <paramref name="first"/>..+<paramref name="segments"/> of <paramref name="batch"/>. More than
        /// one segment makes it a GSO send: the kernel cuts the concatenated payload into datagrams of
        /// the first one's length (the last may be shorter), each with its own UDP header.
        /// </summary>
        public void Add(PacketBatch batch, int first, int segments, in PacketAddress destination, bool asIPv6) =>
            Add(batch, default, first, segments, destination, asIPv6);

        /// <summary>
        /// As above, with <paramref name="first"/> a position in <paramref name="order"/> (the batch's send
        /// order: position → slot index) when one is given.
        /// </summary>
        public void Add(PacketBatch batch, ReadOnlySpan<int> order, int first, int segments, in PacketAddress destination, bool asIPv6)
        {
            var m = Count;
            ref var message = ref _messages[m];
            var name = _names.AsSpan(m * SockaddrSlotSize, SockaddrSlotSize);
            message.Header.Name = Unsafe.AsPointer(ref name[0]);
            message.Header.NameLength = (uint)destination.WriteSockaddr(name, asIPv6);
            message.Header.Iov = (IoVec*)Unsafe.AsPointer(ref _iovecs[IovecCount]);
            message.Header.IovLength = (nuint)segments;
            long bytes = 0;
            for (var s = 0; s < segments; s++)
            {
                ref var iov = ref _iovecs[IovecCount + s];
                var slot = order.IsEmpty ? first + s : order[first + s];
                var length = batch.GetLength(slot);
                iov.Base = batch.GetSlotPointer(slot);
                iov.Length = (nuint)length;
                bytes += length;
            }
            if (segments > 1)
            {
                var cmsg = (CmsgHdr*)Unsafe.AsPointer(ref _control[m * GsoCmsgSpace]);
                cmsg->Length = GsoCmsgLength;
                cmsg->Level = SolUdp;
                cmsg->Type = UdpSegment;
                *(ushort*)(cmsg + 1) = (ushort)batch.GetLength(order.IsEmpty ? first : order[first]);
                message.Header.Control = cmsg;
                message.Header.ControlLength = GsoCmsgSpace;
            }
            else
            {
                message.Header.Control = null;
                message.Header.ControlLength = 0;
            }
            _firstPacket[m] = first;
            _packetCount[m] = segments;
            _bytes[m] = bytes;
            Count++;
            IovecCount += segments;
        }

        /// <summary>Sends <paramref name="count"/> messages from <paramref name="from"/> on; returns how many went out, or the negated errno.</summary>
        public int Send(SafeSocketHandle socket, int from, int count)
        {
            var messages = (MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_messages));
            var sent = SendMmsg(socket, messages + from, (uint)count, 0);
            return sent >= 0 ? sent : -Marshal.GetLastPInvokeError();
        }

        public int FirstPacket(int message) => _firstPacket[message];

        public int PacketCount(int message) => _packetCount[message];

        public long Bytes(int message) => _bytes[message];
    }
}
