using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Meet.Modules.Storage;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meet.Modules.Meetings.Internal;

// Invitation links (issue 13): a JWT for one meeting, signed with a key derived from the token signing
// key (so an invitation is never accepted as an access token, nor the reverse), expiring, optionally
// single-use. Redeeming one joins as `participant`. Used single-use ids are kept in memory on this
// node until the invitation would have expired anyway.
internal sealed class MeetingInvitations
{
    private const string Audience = "meet-invitation";
    private const string SingleUseClaim = "once";
    private readonly JsonWebTokenHandler handler = new() { MaximumTokenSizeInBytes = 4 * 1024 };
    private readonly SigningCredentials credentials;
    private readonly TokenValidationParameters validation;
    private readonly ConcurrentDictionary<string, DateTimeOffset> redeemed = new(StringComparer.Ordinal);
    private readonly AuthOptions options;
    private readonly TimeProvider clock;

    public MeetingInvitations(IOptions<AuthOptions> options, AppDataDirectory dataDirectory, TimeProvider clock)
    {
        this.options = options.Value;
        this.clock = clock;
        var key = new SymmetricSecurityKey(HMACSHA256.HashData(SigningKeyStore.Load(this.options, dataDirectory), Encoding.ASCII.GetBytes("meet invitation key")));
        credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        validation = new TokenValidationParameters
        {
            ValidIssuer = this.options.Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    public (string Invitation, DateTimeOffset ExpiresAt) Issue(string meetingId, TimeSpan lifetime, bool singleUse)
    {
        var now = clock.GetUtcNow();
        var expires = now + (lifetime > options.InvitationLifetime ? options.InvitationLifetime : lifetime);
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Jti] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            [JwtMeetingTokens.MeetingClaim] = meetingId,
        };
        if (singleUse)
            claims[SingleUseClaim] = true;
        return SignedTokenFactory.Create(handler, credentials, options.Issuer, Audience, now, expires, claims);
    }

    // True when the invitation is valid for this meeting (and, if single-use, not redeemed before:
    // redeeming it now uses it up).
    public async Task<bool> TryRedeemAsync(string invitation, string meetingId)
    {
        if (string.IsNullOrEmpty(invitation) || invitation.Length > handler.MaximumTokenSizeInBytes)
            return false;
        var result = await handler.ValidateTokenAsync(invitation, validation).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt ||
            !jwt.TryGetPayloadValue<string>(JwtMeetingTokens.MeetingClaim, out var invitedTo) || invitedTo != meetingId)
            return false;
        if (!jwt.TryGetPayloadValue<bool>(SingleUseClaim, out var once) || !once)
            return true;
        var now = clock.GetUtcNow();
        foreach (var (id, until) in redeemed)
            if (until < now)
                redeemed.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, until));
        return redeemed.TryAdd(jwt.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + TimeSpan.FromMinutes(1));
    }
}
