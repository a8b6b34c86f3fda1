using Meet.Modules.Media.Protocols.Ice;

namespace Meet.Tests.Media.Protocols.Ice;

public class IceCredentialsTests
{
    [Test]
    public void Generated_credentials_meet_rfc8445_randomness_lengths_and_use_ice_chars()
    {
        var credentials = IceCredentials.Generate();

        credentials.Ufrag.Length.Should().BeGreaterThanOrEqualTo(4);
        credentials.Password.Length.Should().BeGreaterThanOrEqualTo(22);
        (credentials.Ufrag + credentials.Password).Should().MatchRegex("^[A-Za-z0-9+/]+$");
    }

    [Test]
    public void Generated_credentials_differ_each_time()
    {
        var generated = Enumerable.Range(0, 100).Select(_ => IceCredentials.Generate()).ToList();

        generated.Select(c => c.Ufrag).Distinct().Should().HaveCount(100);
        generated.Select(c => c.Password).Distinct().Should().HaveCount(100);
    }

    [TestCase("abc", "0123456789012345678901")]
    [TestCase("abcd", "012345678901234567890")]
    [TestCase("ab:d", "0123456789012345678901")]
    [TestCase("abcd", "01234567890123456789 1")]
    public void Invalid_ufrag_or_password_is_refused(string ufrag, string password)
    {
        var create = () => new IceCredentials(ufrag, password);

        create.Should().Throw<ArgumentException>();
    }

    [Test]
    public void Username_splits_into_receiver_and_sender_ufrag()
    {
        IceCredentials.TrySplitUsername("srv1:cli1"u8, out var receiver, out var sender).Should().BeTrue();

        receiver.SequenceEqual("srv1"u8).Should().BeTrue();
        sender.SequenceEqual("cli1"u8).Should().BeTrue();
        IceCredentials.TrySplitUsername("nocolon"u8, out _, out _).Should().BeFalse();
        IceCredentials.TrySplitUsername(":cli1"u8, out _, out _).Should().BeFalse();
    }
}
