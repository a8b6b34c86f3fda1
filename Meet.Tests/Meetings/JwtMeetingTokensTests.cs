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

    private const string RotatedKey = "meet-tests-rotated-signing-key-0123456789abcdef";

    private JwtMeetingTokens Tokens(string? key = MeetTestHost.SigningKey, TimeSpan? lifetime = null, TimeProvider? clock = null, string[]? previous = null, IMeetingRevocations? revocations = null) =>
        new(Options.Create(new AuthOptions { SigningKey = key, TokenLifetime = lifetime ?? TimeSpan.FromHours(1), PreviousSigningKeys = previous ?? [] }),
            new AppDataDirectory(dataDirectory), clock ?? TimeProvider.System, revocations);

    [Test]
    public async Task After_rotation_tokens_of_the_previous_key_stay_valid_and_new_ones_use_the_new_key()
    {
        var beforeRotation = Tokens().Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null);
        var rotated = Tokens(key: RotatedKey, previous: [MeetTestHost.SigningKey]);

        var old = await rotated.ValidateAsync(beforeRotation.Token);
        var fresh = rotated.Issue("mtg-qwerty-9012-zxc", "usr_2", ParticipantRole.Host, null);

        old!.UserId.Should().Be("usr_1");
        (await rotated.ValidateAsync(fresh.Token))!.UserId.Should().Be("usr_2");
        (await Tokens().ValidateAsync(fresh.Token)).Should().BeNull("the new key is not known to a server that was not rotated");
        TestTokens.Read(fresh.Token).Kid.Should().NotBe(TestTokens.Read(beforeRotation.Token).Kid);
    }

    [Test]
    public async Task After_the_previous_key_is_dropped_its_tokens_are_refused()
    {
        var beforeRotation = Tokens().Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null);

        (await Tokens(key: RotatedKey).ValidateAsync(beforeRotation.Token)).Should().BeNull();
    }

    [Test]
    public async Task A_previous_keys_token_still_expires_at_its_own_expiry()
    {
        var expired = Tokens(lifetime: TimeSpan.FromMinutes(5), clock: new ManualClock(Now.AddHours(-1))).Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Host, null);

        (await Tokens(key: RotatedKey, previous: [MeetTestHost.SigningKey]).ValidateAsync(expired.Token)).Should().BeNull();
    }

    [Test]
    public async Task A_revoked_participants_token_is_refused_and_others_of_the_meeting_are_not()
    {
        var revocations = new MeetingRevocationList(Options.Create(new AuthOptions()), TimeProvider.System);
        var tokens = Tokens(revocations: revocations);
        var removed = Guid.NewGuid();
        var stays = Guid.NewGuid();
        var removedToken = tokens.Issue("mtg-qwerty-9012-zxc", "usr_1", ParticipantRole.Participant, removed);
        var staysToken = tokens.Issue("mtg-qwerty-9012-zxc", "usr_2", ParticipantRole.Participant, stays);
        var sameIdElsewhere = tokens.Issue("mtg-asdfgh-3456-vbn", "usr_1", ParticipantRole.Participant, removed);

        revocations.RevokeParticipant("mtg-qwerty-9012-zxc", removed);

        (await tokens.ValidateAsync(removedToken.Token)).Should().BeNull();
        (await tokens.ValidateAsync(staysToken.Token)).Should().NotBeNull();
        (await tokens.ValidateAsync(sameIdElsewhere.Token)).Should().NotBeNull("the list is per meeting");
    }

    [Test]
    public void Revocations_are_forgotten_once_every_token_they_block_has_expired()
    {
        var clock = new ManualClock(Now);
        var revocations = new MeetingRevocationList(Options.Create(new AuthOptions { TokenLifetime = TimeSpan.FromHours(1) }), clock);
        revocations.RevokeParticipant("mtg-qwerty-9012-zxc", Guid.NewGuid());

        clock.Advance(TimeSpan.FromHours(2));
        revocations.RevokeParticipant("mtg-qwerty-9012-zxc", Guid.NewGuid());

        revocations.Count.Should().Be(1);
    }

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
