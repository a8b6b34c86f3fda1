using System.Net;
using Meet.Modules.Allocation;
using Meet.Modules.Allocation.Internal;

namespace Meet.Tests.Allocation;

// Which address a public server announces, decided from an interface table the test makes up: no
// traffic goes anywhere.
public sealed class PublicAddressDetectorTests
{
    private static InterfaceAddress Nic(string address, bool up = true, bool loopback = false, bool gateway = false, string name = "eth0") =>
        new(name, IPAddress.Parse(address), up, loopback, gateway);

    [Test]
    public void The_interface_with_the_default_route_wins_over_other_lan_addresses()
    {
        var picked = PublicAddressDetector.Pick([Nic("127.0.0.1", loopback: true, name: "lo"), Nic("172.17.0.1", name: "docker0"), Nic("192.168.1.20", gateway: true)]);

        picked.Should().Be(IPAddress.Parse("192.168.1.20"));
    }

    [Test]
    public void Loopback_link_local_and_down_interfaces_are_never_announced()
    {
        var picked = PublicAddressDetector.Pick([Nic("127.0.0.1", loopback: true), Nic("169.254.3.4", gateway: true), Nic("fe80::1", gateway: true), Nic("10.0.0.5", up: false, gateway: true)]);

        picked.Should().BeNull();
    }

    [Test]
    public void Ipv4_is_preferred_over_ipv6_on_the_same_footing()
    {
        var picked = PublicAddressDetector.Pick([Nic("2001:db8::5", gateway: true), Nic("203.0.113.7", gateway: true)]);

        picked.Should().Be(IPAddress.Parse("203.0.113.7"));
    }

    [Test]
    public void A_private_server_announces_loopback_and_a_public_one_the_detected_address()
    {
        var privateNode = new NodeOptions();
        var publicNode = new NodeOptions { Public = true };

        NodeOptionsPostConfigure.Resolve(privateNode, () => IPAddress.Parse("192.168.1.20"));
        NodeOptionsPostConfigure.Resolve(publicNode, () => IPAddress.Parse("192.168.1.20"));

        privateNode.PublicIp.Should().Be("127.0.0.1");
        publicNode.PublicIp.Should().Be("192.168.1.20");
    }

    [Test]
    public void A_configured_public_ip_is_kept_as_is()
    {
        var node = new NodeOptions { Public = true, PublicIp = "198.51.100.9" };

        NodeOptionsPostConfigure.Resolve(node, () => IPAddress.Parse("192.168.1.20"));

        node.PublicIp.Should().Be("198.51.100.9");
    }

    [Test]
    public void Public_without_any_detectable_address_fails_validation_naming_node_public_ip()
    {
        var node = new NodeOptions { Public = true };
        NodeOptionsPostConfigure.Resolve(node, () => null);

        var result = new NodeOptionsValidator().Validate(null, node);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Node:PublicIp").And.Contain("Node:Public");
    }
}
