using Meet.PacketEngine.Dpdk;

namespace Meet.Tests.PacketEngine.Dpdk;

public class DpdkPacketEngineOptionsValidatorTests
{
    private static DpdkPacketEngineOptions Valid() => new() { EalArgs = ["--no-huge", "--vdev=net_ring0"], LocalIp = "10.99.0.1" };

    [Test]
    public void Defaults_with_eal_args_and_an_address_are_valid()
    {
        new DpdkPacketEngineOptionsValidator().Validate(null, Valid()).Succeeded.Should().BeTrue();
    }

    [Test]
    public void Missing_eal_args_name_their_key()
    {
        var options = Valid();
        options.EalArgs.Clear();
        DpdkPacketEngineOptionsValidator.GetErrors(options).Should().ContainSingle().Which.Should().StartWith("PacketEngine:Dpdk:EalArgs");
    }

    [TestCase(null)]
    [TestCase("not an address")]
    [TestCase("2001:db8::1")]
    public void Local_ip_must_be_ipv4(string? ip)
    {
        var options = Valid();
        options.LocalIp = ip;
        DpdkPacketEngineOptionsValidator.GetErrors(options).Should().ContainSingle().Which.Should().StartWith("PacketEngine:Dpdk:LocalIp");
    }

    [Test]
    public void A_malformed_mac_names_its_key()
    {
        var options = Valid();
        options.LocalMac = "02:00";
        DpdkPacketEngineOptionsValidator.GetErrors(options).Should().ContainSingle().Which.Should().StartWith("PacketEngine:Dpdk:LocalMac");
    }

    [Test]
    public void Out_of_range_numbers_name_their_keys()
    {
        var options = Valid();
        options.RxBurst = 0;
        options.MbufCount = 10;
        options.Mtu = 100_000;

        DpdkPacketEngineOptionsValidator.GetErrors(options).Should().HaveCount(3)
            .And.Contain(e => e.StartsWith("PacketEngine:Dpdk:RxBurst", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("PacketEngine:Dpdk:MbufCount", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("PacketEngine:Dpdk:Mtu", StringComparison.Ordinal));
    }
}
