using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpSsrcGroupTests
{
    [TestCase("FID 175482534 758074180")]
    [TestCase("SIM 1 2 3")]
    public void Groups_round_trip(string value)
    {
        SdpSsrcGroup.TryParse(value, out SdpSsrcGroup? g).Should().BeTrue();

        g!.ToString().Should().Be(value);
    }

    [Test]
    public void Legacy_simulcast_group_lists_its_layers_in_order()
    {
        SdpSsrcGroup.TryParse("SIM 10 20 30", out SdpSsrcGroup? g).Should().BeTrue();

        g!.Semantics.Should().Be("SIM");
        g.Ssrcs.Should().Equal(10u, 20u, 30u);
    }

    [TestCase("")]
    [TestCase("FID")]
    [TestCase("FID 1 two")]
    public void Malformed_groups_are_rejected(string value)
    {
        SdpSsrcGroup.TryParse(value, out SdpSsrcGroup? g).Should().BeFalse();
        g.Should().BeNull();
    }
}
