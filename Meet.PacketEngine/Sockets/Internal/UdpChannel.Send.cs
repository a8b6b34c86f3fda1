using System.Net;
using System.Net.Sockets;

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
        for (var position = 0; position < batch.Count; position++)
        {
            var i = batch.SendIndex(position);
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
        Counters.AddSendMessages(sent);
        return sent;
    }

    private bool CanReach(in PacketAddress address) => _ipv6Socket || address.IsIPv4;

    private int SendMmsg(PacketBatch batch)
    {
        var scratch = SendScratch.Current;
        var messages = scratch.Messages;
        var count = batch.Count;
        // With a send order (MediaSender groups by destination for GSO) the runs are counted over the
        // datagrams in that order; the payloads stay in their slots.
        ReadOnlySpan<int> order = default;
        ReadOnlySpan<int> lengths = batch.Lengths[..count];
        ReadOnlySpan<PacketAddress> addresses = batch.Addresses[..count];
        if (batch.HasSendOrder)
            scratch.Arrange(batch, out order, out lengths, out addresses);
        var totalSent = 0;
        long totalBytes = 0;
        var index = 0;
        while (index < count)
        {
            var gso = _gsoEnabled;
            messages.Clear();
            while (index < count && !messages.IsFull)
            {
                if (!CanReach(addresses[index]))
                {
                    Counters.AddDrop(DropReason.SendFailed);
                    index++;
                    continue;
                }
                var segments = gso
                    ? CountGsoSegments(lengths, addresses, index, Math.Min(_maxGsoSegments, Native.SendMessages.MaxIovecs - messages.IovecCount))
                    : 1;
                messages.Add(batch, order, index, segments, addresses[index], _ipv6Socket);
                index += segments;
            }
            var done = 0;
            while (done < messages.Count)
            {
                var result = messages.Send(_sendSocket.SafeHandle, done, messages.Count - done);
                if (result > 0)
                {
                    Counters.AddSendMessages(result);
                    for (var m = done; m < done + result; m++)
                    {
                        totalSent += messages.PacketCount(m);
                        totalBytes += messages.Bytes(m);
                    }
                    done += result;
                    continue;
                }
                var errno = -result;
                if (errno == Native.EIntr)
                    continue;
                if (messages.PacketCount(done) > 1 && errno is Native.EIo or Native.EInval or Native.EOpNotSupp or ENotSupp)
                {
                    // The kernel or device refuses GSO (e.g. no checksum offload, or a segment
                    // larger than the path MTU allows): switch it off once and resend plainly.
                    if (_gsoEnabled)
                    {
                        _gsoEnabled = false;
                        SocketsLog.GsoDisabled(_logger, LocalAddress, errno);
                    }
                    index = messages.FirstPacket(done);
                    break;
                }
                Counters.AddDrop(DropReason.SendFailed, messages.PacketCount(done));
                done++;
            }
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
    private sealed class SendScratch
    {
        [ThreadStatic]
        private static SendScratch? t_current;

        public readonly Native.SendMessages Messages = new();
        public readonly SocketAddress To4 = new(AddressFamily.InterNetwork);
        public readonly SocketAddress To6 = new(AddressFamily.InterNetworkV6);

        private int[] _order = [];
        private int[] _lengths = [];
        private PacketAddress[] _addresses = [];

        public static SendScratch Current => t_current ??= new SendScratch();

        // The batch's lengths and addresses in its send order (arrays grown once to the batch's capacity).
        public void Arrange(PacketBatch batch, out ReadOnlySpan<int> order, out ReadOnlySpan<int> lengths, out ReadOnlySpan<PacketAddress> addresses)
        {
            var count = batch.Count;
            if (_order.Length < batch.Capacity)
            {
                _order = new int[batch.Capacity];
                _lengths = new int[batch.Capacity];
                _addresses = new PacketAddress[batch.Capacity];
            }
            for (var position = 0; position < count; position++)
            {
                var i = batch.SendIndex(position);
                _order[position] = i;
                _lengths[position] = batch.Lengths[i];
                _addresses[position] = batch.Addresses[i];
            }
            order = _order.AsSpan(0, count);
            lengths = _lengths.AsSpan(0, count);
            addresses = _addresses.AsSpan(0, count);
        }
    }
}
