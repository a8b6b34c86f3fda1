using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpMsidSemanticTests
{
    [TestCase(" WMS", "WMS", 0)]
    [TestCase(" WMS a b", "WMS", 2)]
    [TestCase("WMS *", "WMS", 1)]
    public void Chrome_and_rfc_forms_parse(string value, string semantic, int ids)
    {
        SdpMsidSemantic.TryParse(value, out SdpMsidSemantic? parsed).Should().BeTrue();

        parsed!.Semantic.Should().Be(semantic);
        parsed.Ids.Should().HaveCount(ids);
    }

    [Test]
    public void Written_in_chromes_form_with_a_space_after_the_colon()
    {
        new SdpMsidSemantic("WMS", ["s"]).ToString().Should().Be(" WMS s");
    }

    [Test]
    public void Empty_value_is_rejected()
    {
        SdpMsidSemantic.TryParse(" ", out _).Should().BeFalse();
    }
}
