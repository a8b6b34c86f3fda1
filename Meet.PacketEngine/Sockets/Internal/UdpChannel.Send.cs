using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Meet.PacketEngine.Sockets.Internal;

internal sealed partial class UdpChannel
{
    // Largest UDP payload one GSO send may carry: 65,535 minus the IPv6 and UDP headers.
    internal const int MaxGsoBytes = 65_535 - 40 - 8;
    private const int ENotSupp = 524;

    public int Send(PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var count = batch.Count;
        if (count == 0)
            return 0;
        if (Stopping)
        {
            Counters.AddDrop(DropReason.SendFailed, count);
            return 0;
        }
        try
        {
            return _useSendMmsg ? SendMmsg(batch) : SendManaged(batch);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while sending: whatever was not yet counted as sent is a failed send.
            Counters.AddDrop(DropReason.SendFailed, count);
            return 0;
        }
    }

    private int SendManaged(PacketBatch batch)
    {
        var scratch = SendScratch.Current;
        var to = _ipv6Socket ? scratch.To6 : scratch.To4;
        var sent = 0;
        long bytes = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var address = batch.Addresses[i];
            if (!CanReach(address))
            {
                Counters.AddDrop(DropReason.SendFailed);
                continue;
            }
            address.CopyTo(to);
            try
            {
                bytes += _sendSocket.SendTo(batch[i], SocketFlags.None, to);
                sent++;
            }
            catch (SocketException)
            {
                Counters.AddDrop(DropReason.SendFailed);
            }
        }
        Counters.AddSent(sent, bytes);
        return sent;
    }

    private bool CanReach(in PacketAddress address) => _ipv6Socket || address.IsIPv4;

    private unsafe int SendMmsg(PacketBatch batch)
    {
        var scratch = SendScratch.Current;
        var count = batch.Count;
        var lengths = batch.Lengths;
        var addresses = batch.Addresses;
        var totalSent = 0;
        long totalBytes = 0;
        var index = 0;
        while (index < count)
        {
            var gso = _gsoEnabled;
            var messageCount = 0;
            var iovCount = 0;
            while (index < count && messageCount < SendScratch.MaxMessages && iovCount < SendScratch.MaxIovecs)
            {
                var address = addresses[index];
                if (!CanReach(address))
                {
                    Counters.AddDrop(DropReason.SendFailed);
                    index++;
                    continue;
                }
                var segments = gso
                    ? CountGsoSegments(lengths[..count], addresses[..count], index, Math.Min(_maxGsoSegments, SendScratch.MaxIovecs - iovCount))
                    : 1;
                ref var message = ref scratch.Messages[messageCount];
                message.Header.Name = scratch.Name(messageCount);
                message.Header.NameLength = (uint)address.WriteSockaddr(
                    new Span<byte>(message.Header.Name, Native.SockaddrSlotSize), _ipv6Socket);
                message.Header.Iov = scratch.Iovec(iovCount);
                message.Header.IovLength = (nuint)segments;
                long messageBytes = 0;
                for (var s = 0; s < segments; s++)
                {
                    ref var iov = ref scratch.Iovecs[iovCount + s];
                    iov.Base = batch.GetSlotPointer(index + s);
                    iov.Length = (nuint)lengths[index + s];
                    messageBytes += lengths[index + s];
                }
                if (segments > 1)
                {
                    // UDP_SEGMENT cmsg: the kernel cuts the concatenated iovecs into datagrams of
                    // gso_size bytes (the last may be shorter), each with its own UDP header.
                    var cmsg = (Native.CmsgHdr*)scratch.Control(messageCount);
                    cmsg->Length = Native.GsoCmsgLength;
                    cmsg->Level = Native.SolUdp;
                    cmsg->Type = Native.UdpSegment;
                    *(ushort*)(cmsg + 1) = (ushort)lengths[index];
                    message.Header.Control = cmsg;
                    message.Header.ControlLength = Native.GsoCmsgSpace;
                }
                else
                {
                    message.Header.Control = null;
                    message.Header.ControlLength = 0;
                }
                scratch.FirstPacket[messageCount] = index;
                scratch.PacketCount[messageCount] = segments;
                scratch.Bytes[messageCount] = messageBytes;
                messageCount++;
                iovCount += segments;
                index += segments;
            }
            if (messageCount == 0)
                break;

            var messages = scratch.MessagesPointer;
            var done = 0;
            while (done < messageCount)
            {
                var result = Native.SendMmsg(_sendSocket.SafeHandle, messages + done, (uint)(messageCount - done), 0);
                if (result > 0)
                {
                    for (var m = done; m < done + result; m++)
                    {
                        totalSent += scratch.PacketCount[m];
                        totalBytes += scratch.Bytes[m];
                    }
                    done += result;
                    continue;
                }
                var errno = LastErrno();
                if (errno == Native.EIntr)
                    continue;
                if (scratch.PacketCount[done] > 1 && errno is Native.EIo or Native.EInval or Native.EOpNotSupp or ENotSupp)
                {
                    // The kernel or device refuses GSO (e.g. no checksum offload, or a segment
                    // larger than the path MTU allows): switch it off once and resend plainly.
                    if (_gsoEnabled)
                    {
                        _gsoEnabled = false;
                        SocketsLog.GsoDisabled(_logger, LocalAddress, errno);
                    }
                    index = scratch.FirstPacket[done];
                    goto nextChunk;
                }
                Counters.AddDrop(DropReason.SendFailed, scratch.PacketCount[done]);
                done++;
            }
        nextChunk:;
        }
        Counters.AddSent(totalSent, totalBytes);
        return totalSent;
    }

    /// <summary>
    /// How many datagrams from <paramref name="start"/> one GSO send can carry: same destination,
    /// same length, except that the last may be shorter (Linux udp_send_skb segments by gso_size).
    /// </summary>
    internal static int CountGsoSegments(ReadOnlySpan<int> lengths, ReadOnlySpan<PacketAddress> addresses, int start, int maxSegments)
    {
        var size = lengths[start];
        if (size == 0)
            return 1;
        var total = size;
        var end = start + 1;
        while (end < lengths.Length && end - start < maxSegments && addresses[end] == addresses[start])
        {
            var length = lengths[end];
            if (length > size || length == 0 || total + length > MaxGsoBytes)
                break;
            total += length;
            end++;
            if (length < size)
                break;
        }
        return end - start;
    }

    // Per-thread send structures: Send is called from any thread (receive loops, SFU workers), and a
    // thread-local scratch keeps it lock-free and allocation-free after a thread's first send.
    private sealed unsafe class SendScratch
    {
        public const int MaxMessages = 256;
        public const int MaxIovecs = 1024;

        [ThreadStatic]
        private static SendScratch? t_current;

        public readonly Native.MMsgHdr[] Messages = GC.AllocateArray<Native.MMsgHdr>(MaxMessages, pinned: true);
        public readonly Native.IoVec[] Iovecs = GC.AllocateArray<Native.IoVec>(MaxIovecs, pinned: true);
        public readonly int[] FirstPacket = new int[MaxMessages];
        public readonly int[] PacketCount = new int[MaxMessages];
        public readonly long[] Bytes = new long[MaxMessages];
        public readonly SocketAddress To4 = new(AddressFamily.InterNetwork);
        public readonly SocketAddress To6 = new(AddressFamily.InterNetworkV6);
        private readonly byte[] _names = GC.AllocateArray<byte>(MaxMessages * Native.SockaddrSlotSize, pinned: true);
        private readonly byte[] _control = GC.AllocateArray<byte>(MaxMessages * Native.GsoCmsgSpace, pinned: true);

        public static SendScratch Current => t_current ??= new SendScratch();

        public Native.MMsgHdr* MessagesPointer => (Native.MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Messages));

        public byte* Name(int message) => (byte*)Unsafe.AsPointer(ref _names[message * Native.SockaddrSlotSize]);

        public byte* Control(int message) => (byte*)Unsafe.AsPointer(ref _control[message * Native.GsoCmsgSpace]);

        public Native.IoVec* Iovec(int index) => (Native.IoVec*)Unsafe.AsPointer(ref Iovecs[index]);
    }
}
