using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Meet.PacketEngine;

/// <summary>
/// A UDP/TCP transport address (IPv4 or IPv6 plus port) held in 20 bytes of value data, so the
/// packet path can compare, hash and store remote addresses without allocating an <see cref="IPEndPoint"/>.
/// IPv4 is kept in its IPv4-mapped IPv6 form (::ffff:a.b.c.d) so both families share one layout.
/// </summary>
public readonly struct PacketAddress : IEquatable<PacketAddress>
{
    private const ulong Ipv4MappedPrefix = 0x0000_FFFF_0000_0000UL;
    private const ushort AfInet = 2;

    // The native AF_INET6 value, which is not AddressFamily.InterNetworkV6 (23, the Windows value):
    // Linux uses 10. SocketAddress buffers and recvmmsg names hold the native value.
    private static readonly ushort AfInet6 = OperatingSystem.IsWindows() ? (ushort)23 : OperatingSystem.IsLinux() ? (ushort)10 : (ushort)30;

    // The 128-bit address in network order, split big-endian into two halves.
    private readonly ulong _high;
    private readonly ulong _low;

    public ushort Port { get; }

    private PacketAddress(ulong high, ulong low, ushort port)
    {
        _high = high;
        _low = low;
        Port = port;
    }

    public bool IsIPv4 => _high == 0 && (_low & 0xFFFF_FFFF_0000_0000UL) == Ipv4MappedPrefix;

    public bool IsEmpty => _high == 0 && _low == 0 && Port == 0;

    /// <summary>The IPv4 address in host order; only meaningful when <see cref="IsIPv4"/>.</summary>
    public uint IPv4HostOrder => (uint)_low;

    public static PacketAddress FromIPv4(uint addressHostOrder, ushort port) =>
        new(0, Ipv4MappedPrefix | addressHostOrder, port);

    public static PacketAddress FromIPv4(ReadOnlySpan<byte> addressNetworkOrder, ushort port) =>
        FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(addressNetworkOrder), port);

    public static PacketAddress FromIPv6(ReadOnlySpan<byte> addressNetworkOrder, ushort port) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(addressNetworkOrder),
            BinaryPrimitives.ReadUInt64BigEndian(addressNetworkOrder[8..]), port);

    public static PacketAddress FromEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Span<byte> bytes = stackalloc byte[16];
        var address = endPoint.Address;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            return FromIPv4(bytes, (ushort)endPoint.Port);
        }
        address.TryWriteBytes(bytes, out _);
        return FromIPv6(bytes, (ushort)endPoint.Port);
    }

    /// <summary>Reads a sockaddr_in / sockaddr_in6 as filled by the kernel, without allocating.</summary>
    public static bool TryFromSocketAddress(SocketAddress socketAddress, out PacketAddress address)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        return TryFromSockaddr(socketAddress.Buffer.Span[..socketAddress.Size], out address);
    }

    /// <summary>
    /// Reads a Linux sockaddr_in (family 2) or sockaddr_in6 (family 10) from raw bytes.
    /// Layout: family (2 bytes, host order), port (2 bytes, network order), then the address
    /// (IPv4 at offset 4; IPv6 at offset 8 after the 4-byte flow info).
    /// </summary>
    public static bool TryFromSockaddr(ReadOnlySpan<byte> sockaddr, out PacketAddress address)
    {
        address = default;
        if (sockaddr.Length < 8)
            return false;
        var family = BinaryPrimitives.ReadUInt16LittleEndian(sockaddr);
        var port = BinaryPrimitives.ReadUInt16BigEndian(sockaddr[2..]);
        if (family == AfInet)
        {
            address = FromIPv4(sockaddr.Slice(4, 4), port);
            return true;
        }
        if (family == AfInet6 && sockaddr.Length >= 24)
        {
            address = FromIPv6(sockaddr.Slice(8, 16), port);
            return true;
        }
        return false;
    }

    /// <summary>Writes this address as sockaddr_in (IPv4) or sockaddr_in6 and returns the bytes used.</summary>
    public int WriteSockaddr(Span<byte> destination, bool asIPv6 = false)
    {
        if (IsIPv4 && !asIPv6)
        {
            destination[..16].Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(destination, AfInet);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Port);
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], IPv4HostOrder);
            return 16;
        }
        destination[..28].Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(destination, AfInet6);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Port);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _low);
        return 28;
    }

    /// <summary>Fills a reusable <see cref="SocketAddress"/> (as used by Socket.SendTo) without allocating.</summary>
    public void CopyTo(SocketAddress socketAddress)
    {
        ArgumentNullException.ThrowIfNull(socketAddress);
        var asIPv6 = socketAddress.Family == AddressFamily.InterNetworkV6;
        socketAddress.Size = WriteSockaddr(socketAddress.Buffer.Span, asIPv6);
    }

    public void WriteAddressBytes(Span<byte> destination, out int written)
    {
        if (IsIPv4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, IPv4HostOrder);
            written = 4;
            return;
        }
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        written = 16;
    }

    /// <summary>Allocates; for diagnostics and control-plane code, never the packet path.</summary>
    public IPEndPoint ToEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteAddressBytes(bytes, out var written);
        return new IPEndPoint(new IPAddress(bytes[..written]), Port);
    }

    public PacketAddress WithPort(ushort port) => new(_high, _low, port);

    public bool Equals(PacketAddress other) => _low == other._low && _high == other._high && Port == other.Port;

    public override bool Equals(object? obj) => obj is PacketAddress other && Equals(other);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode() => HashCode.Combine(_high, _low, Port);

    public static bool operator ==(PacketAddress left, PacketAddress right) => left.Equals(right);

    public static bool operator !=(PacketAddress left, PacketAddress right) => !left.Equals(right);

    public override string ToString() => IsEmpty ? "(none)" : ToEndPoint().ToString();
}
