using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Meet.Modules.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meet.Modules.Meetings.Internal;

internal sealed class JwtMeetingTokens : IMeetingTokens
{
    internal const string Audience = "meet";
    internal const string MeetingClaim = "mtg";
    internal const string RoleClaim = "role";
    internal const string ParticipantClaim = "pid";

    private readonly JsonWebTokenHandler handler = new() { MaximumTokenSizeInBytes = 8 * 1024 };
    private readonly SigningCredentials credentials;
    private readonly TokenValidationParameters validation;
    private readonly AuthOptions options;
    private readonly TimeProvider clock;
    private readonly IMeetingRevocations? revocations;

    public JwtMeetingTokens(IOptions<AuthOptions> options, AppDataDirectory dataDirectory, TimeProvider clock, IMeetingRevocations? revocations = null)
    {
        this.options = options.Value;
        this.clock = clock;
        this.revocations = revocations;
        var key = KeyWithId(SigningKeyStore.Load(this.options, dataDirectory));
        credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        // Rotation: tokens carry the kid of the key that signed them; the previous keys still verify
        // (their tokens expire on their own), tokens from before kids existed are tried against all.
        var verifying = new List<SecurityKey> { key };
        verifying.AddRange(this.options.PreviousSigningKeys.Select(previous => KeyWithId(Encoding.UTF8.GetBytes(previous))));
        validation = new TokenValidationParameters
        {
            ValidIssuer = this.options.Issuer,
            ValidAudience = Audience,
            IssuerSigningKeys = verifying,
            TryAllIssuerSigningKeys = true,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            // Tokens are issued and checked by the same deployment; a small skew covers clock drift between nodes.
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    public IssuedMeetingToken Issue(string meetingId, string userId, ParticipantRole role, Guid? participantId)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.TokenLifetime;
        var claims = new Dictionary<string, object>(4)
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [MeetingClaim] = meetingId,
            [RoleClaim] = RoleName(role),
        };
        if (participantId is { } pid)
            claims[ParticipantClaim] = pid.ToString("D");
        var (token, expiresAt) = SignedTokenFactory.Create(handler, credentials, options.Issuer, Audience, now, expires, claims);
        return new IssuedMeetingToken(token, expiresAt);
    }

    public async Task<MeetingToken?> ValidateAsync(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > handler.MaximumTokenSizeInBytes)
            return null;
        var result = await handler.ValidateTokenAsync(token, validation).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
            return null;
        if (!jwt.TryGetPayloadValue<string>(MeetingClaim, out var meetingId) ||
            !jwt.TryGetPayloadValue<string>(RoleClaim, out var roleName) ||
            !TryParseRole(roleName, out var role) ||
            string.IsNullOrEmpty(jwt.Subject))
            return null;
        Guid? participantId = jwt.TryGetPayloadValue<string>(ParticipantClaim, out var pid) &&
                              Guid.TryParse(pid, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        // A removed participant's tokens: refused on every REST call and every signaling connect.
        if (participantId is { } id && revocations?.IsRevoked(meetingId, id) == true)
            return null;
        return new MeetingToken(meetingId, jwt.Subject, role, participantId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero));
    }

    // The kid names a key without revealing it: the first 8 bytes of its SHA-256.
    private static SymmetricSecurityKey KeyWithId(byte[] key) =>
        new(key) { KeyId = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8)) };

    internal static string RoleName(ParticipantRole role) => role switch
    {
        ParticipantRole.Host => "host",
        ParticipantRole.Guest => "guest",
        _ => "participant",
    };

    private static bool TryParseRole(string name, out ParticipantRole role)
    {
        role = name switch
        {
            "host" => ParticipantRole.Host,
            "participant" => ParticipantRole.Participant,
            "guest" => ParticipantRole.Guest,
            _ => (ParticipantRole)(-1),
        };
        return Enum.IsDefined(role);
    }
}
