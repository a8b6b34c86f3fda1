using System.Net;
using System.Net.Sockets;
using Meet.PacketEngine;

namespace Meet.Tests.PacketEngine;

public class PacketAddressTests
{
    [Test]
    public void Ipv4_round_trips_through_socket_address_without_changing()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("192.0.2.17"), 40000);
        var address = PacketAddress.FromEndPoint(endPoint);
        var socketAddress = new SocketAddress(AddressFamily.InterNetwork);
        address.CopyTo(socketAddress);

        PacketAddress.TryFromSocketAddress(socketAddress, out var parsed).Should().BeTrue();

        parsed.Should().Be(address);
        parsed.IsIPv4.Should().BeTrue();
        parsed.ToEndPoint().Should().Be(endPoint);
    }

    [Test]
    public void Ipv6_round_trips_and_differs_from_ipv4()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("2001:db8::1"), 3478);
        var address = PacketAddress.FromEndPoint(endPoint);
        var socketAddress = new SocketAddress(AddressFamily.InterNetworkV6);
        address.CopyTo(socketAddress);

        PacketAddress.TryFromSocketAddress(socketAddress, out var parsed).Should().BeTrue();

        parsed.Should().Be(address);
        parsed.IsIPv4.Should().BeFalse();
        parsed.ToEndPoint().Should().Be(endPoint);
    }

    [Test]
    public void Equal_addresses_hash_equally_and_ports_distinguish()
    {
        var a = PacketAddress.FromIPv4(0x7F000001, 5000);
        var b = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 5000));

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.WithPort(5001).Should().NotBe(a);
    }

    [Test]
    public void Truncated_sockaddr_is_refused()
    {
        PacketAddress.TryFromSockaddr(new byte[7], out _).Should().BeFalse();
    }

    [Test]
    public void Ipv6_sockaddr_carries_the_kernels_af_inet6_value_not_the_managed_enum()
    {
        // AddressFamily.InterNetworkV6 is 23 (Windows); the Linux kernel only accepts 10.
        var address = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.IPv6Loopback, 3478));
        Span<byte> sockaddr = stackalloc byte[28];

        address.WriteSockaddr(sockaddr).Should().Be(28);

        System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(sockaddr).Should().Be(OperatingSystem.IsLinux() ? (ushort)10 : (ushort)23);
    }
}
