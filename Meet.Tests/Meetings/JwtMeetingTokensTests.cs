using Meet.Modules.Meetings;
using Meet.Modules.Meetings.Internal;
using Meet.Modules.Storage;
using Meet.Tests.Support;
using Microsoft.Extensions.Options;

namespace Meet.Tests.Meetings;

public sealed class JwtMeetingTokensTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private string dataDirectory = null!;

    [SetUp]
    public void CreateDataDirectory() => dataDirectory = Directory.CreateTempSubdirectory("meet-tokens-").FullName;

    [TearDown]
    public void DeleteDataDirectory() => Directory.Delete(dataDirectory, recursive: true);

    private JwtMeetingTokens Tokens(string? key = MeetTestHost.SigningKey, TimeSpan? lifetime = null, TimeProvider? clock = null) =>
        new(Options.Create(new AuthOptions { SigningKey = key, TokenLifetime = lifetime ?? TimeSpan.FromHours(1) }), new AppDataDirectory(dataDirectory), clock ?? TimeProvider.System);

    [Test]
    public async Task Issued_token_validates_to_its_meeting_user_role_and_participant()
    {
        var tokens = Tokens();
        var participantId = Guid.NewGuid();

        var issued = tokens.Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Guest, participantId);
        var token = await tokens.ValidateAsync(issued.Token);

        token.Should().Be(new MeetingToken("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Guest, participantId, issued.ExpiresAt));
    }

    [Test]
    public async Task Token_expires_after_the_configured_lifetime()
    {
        var issuer = Tokens(lifetime: TimeSpan.FromMinutes(5), clock: new ManualClock(Now.AddHours(-1)));

        var issued = issuer.Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null);

        (await Tokens().ValidateAsync(issued.Token)).Should().BeNull();
    }

    [Test]
    public async Task Token_signed_with_another_key_is_rejected()
    {
        var issued = Tokens(key: "a-completely-different-signing-key-0123456789").Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null);

        (await Tokens().ValidateAsync(issued.Token)).Should().BeNull();
    }

    [Test]
    public async Task Unsigned_token_is_rejected()
    {
        var signed = Tokens().Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null).Token.Split('.');
        // {"alg":"none","typ":"JWT"} with the genuine payload and no signature.
        var unsigned = $"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{signed[1]}.";

        (await Tokens().ValidateAsync(unsigned)).Should().BeNull();
    }

    [TestCase("")]
    [TestCase("a.b.c")]
    [TestCase("....")]
    [TestCase("eyJhbGciOiJIUzI1NiJ9")]
    public async Task Garbage_is_rejected_without_throwing(string token)
    {
        (await Tokens().ValidateAsync(token)).Should().BeNull();
    }

    [Test]
    public async Task Generated_key_is_persisted_so_a_second_instance_accepts_earlier_tokens()
    {
        var issued = Tokens(key: null).Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null);

        var token = await Tokens(key: null).ValidateAsync(issued.Token);

        token.Should().NotBeNull();
        File.Exists(Path.Combine(dataDirectory, SigningKeyStore.FileName)).Should().BeTrue();
        (await Tokens(key: MeetTestHost.SigningKey).ValidateAsync(issued.Token)).Should().BeNull();
    }
}
