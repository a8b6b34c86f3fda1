using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Meet.Tests.Support;

// Sends UDP datagrams with a forged source address and port through a raw socket (IPPROTO_RAW, the IP
// header written here), as an off-path attacker spoofing a participant's address would. Needs
// CAP_NET_RAW: the browser tests run as root inside their own loopback-only namespace, and only ever
// send to 127.0.0.1 there.
internal sealed class SpoofedUdpSender : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);

    public void Send(IPEndPoint forgedSource, IPEndPoint destination, ReadOnlySpan<byte> payload)
    {
        if (!IPAddress.IsLoopback(destination.Address))
            throw new InvalidOperationException("tests send only to loopback");
        var packet = new byte[20 + 8 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40; // don't fragment; id and header checksum are filled in by the kernel
        packet[8] = 64;
        packet[9] = (byte)ProtocolType.Udp;
        forgedSource.Address.TryWriteBytes(packet.AsSpan(12, 4), out _);
        destination.Address.TryWriteBytes(packet.AsSpan(16, 4), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), (ushort)forgedSource.Port);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), (ushort)destination.Port);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), (ushort)(8 + payload.Length));
        // UDP checksum 0: "no checksum", allowed over IPv4 (RFC 768).
        payload.CopyTo(packet.AsSpan(28));
        socket.SendTo(packet, new IPEndPoint(destination.Address, 0));
    }

    public void Dispose() => socket.Dispose();
}
