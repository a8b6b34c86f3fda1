using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Protocols.Sdp;

[TestFixture]
public sealed class SdpGroupTests
{
    [TestCase("BUNDLE 0 1 2", "BUNDLE", new[] { "0", "1", "2" })]
    [TestCase("LS audio video", "LS", new[] { "audio", "video" })]
    [TestCase("BUNDLE", "BUNDLE", new string[0])]
    public void Groups_are_typed_and_round_trip(string value, string semantics, string[] mids)
    {
        SdpGroup.TryParse(value, out SdpGroup? group).Should().BeTrue();

        group!.Semantics.Should().Be(semantics);
        group.Mids.Should().Equal(mids);
        group.ToString().Should().Be(value);
    }

    [Test]
    public void Empty_group_is_rejected()
    {
        SdpGroup.TryParse("  ", out SdpGroup? group).Should().BeFalse();
        group.Should().BeNull();
    }
}
