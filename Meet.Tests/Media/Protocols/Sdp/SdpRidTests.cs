using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpRidTests
{
    [TestCase("q send")]
    [TestCase("f recv")]
    [TestCase("hi-res_1 send pt=96,97;max-width=1280;max-height=720;max-fps=30")]
    [TestCase("a send depend=b")]
    public void Rid_values_round_trip(string value)
    {
        SdpRid.TryParse(value, out SdpRid? rid).Should().BeTrue();

        rid!.ToString().Should().Be(value);
    }

    [Test]
    public void Payload_types_and_restrictions_are_typed()
    {
        SdpRid.TryParse("h send pt=96,98;max-width=640", out SdpRid? rid).Should().BeTrue();

        rid!.Id.Should().Be("h");
        rid.Direction.Should().Be(SdpRidDirection.Send);
        rid.PayloadTypes.Should().Equal(96, 98);
        rid.Restrictions.Should().Contain(new SdpRidRestriction("max-width", "640"));
    }

    [TestCase("")]
    [TestCase("q")]
    [TestCase("q both")]
    [TestCase("q! send")]
    [TestCase("q send =5")]
    public void Malformed_rids_are_rejected(string value)
    {
        SdpRid.TryParse(value, out SdpRid? rid).Should().BeFalse();
        rid.Should().BeNull();
    }
}
