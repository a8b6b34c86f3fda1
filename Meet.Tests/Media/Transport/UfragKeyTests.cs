using System.Text;
using Meet.Modules.Media.Protocols.Ice;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Transport;

[TestFixture]
public sealed class UfragKeyTests
{
    [Test]
    public void Generated_ufrags_map_to_the_key_read_from_the_wire()
    {
        var ufrag = IceCredentials.Generate().Ufrag;
        UfragKey.TryCreate(Encoding.ASCII.GetBytes(ufrag), out var fromWire).Should().BeTrue();
        fromWire.Should().Be(UfragKey.Create(ufrag));
    }

    [Test]
    public void Different_ufrags_have_different_keys() =>
        UfragKey.Create("abcdefgh").Should().NotBe(UfragKey.Create("abcdefgi"));

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("abcdefghi")]
    public void Ufrags_we_never_generate_have_no_key(string ufrag) =>
        UfragKey.TryCreate(Encoding.ASCII.GetBytes(ufrag), out _).Should().BeFalse();
}
