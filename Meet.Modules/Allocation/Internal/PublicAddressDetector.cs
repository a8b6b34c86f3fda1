using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Meet.Modules.Allocation.Internal;

// Picks the address to announce when Node:Public is set and Node:PublicIp is empty. Reads the
// interface table only: nothing is sent (no STUN to the internet, no UDP "connect" probe), so a
// server behind NAT still needs Node:PublicIp set to its public address.
internal static class PublicAddressDetector
{
    public static IPAddress? Detect() => Pick(ReadInterfaces());

    // Preference: an up, non-loopback interface with a default gateway, IPv4 before IPv6, global
    // addresses before link-local ones (169.254/16, fe80::/10), which no other machine routes to.
    internal static IPAddress? Pick(IEnumerable<InterfaceAddress> addresses) => addresses
        .Where(a => a.IsUp && !a.IsLoopback && !IPAddress.IsLoopback(a.Address) && !IsLinkLocal(a.Address) &&
                    !a.Address.Equals(IPAddress.Any) && !a.Address.Equals(IPAddress.IPv6Any))
        .OrderByDescending(a => a.HasGateway)
        .ThenBy(a => a.Address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
        .Select(a => a.Address)
        .FirstOrDefault();

    private static bool IsLinkLocal(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? address.GetAddressBytes() is [169, 254, ..]
        : address.IsIPv6LinkLocal;

    private static IEnumerable<InterfaceAddress> ReadInterfaces()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            var properties = nic.GetIPProperties();
            var hasGateway = properties.GatewayAddresses.Any(g => !g.Address.Equals(IPAddress.Any) && !g.Address.Equals(IPAddress.IPv6Any));
            foreach (var unicast in properties.UnicastAddresses)
                yield return new InterfaceAddress(nic.Name, unicast.Address, nic.OperationalStatus == OperationalStatus.Up,
                    nic.NetworkInterfaceType == NetworkInterfaceType.Loopback, hasGateway);
        }
    }
}
