using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meet.Modules.Meetings.Internal;

// Mints the deployment's signed JWTs (access tokens and invitations): the same descriptor for both, the
// audience, key and claims say what a token is for. JWT times are whole seconds, so is the expiry returned.
internal static class SignedTokenFactory
{
    public static (string Token, DateTimeOffset ExpiresAt) Create(JsonWebTokenHandler handler, SigningCredentials credentials,
        string issuer, string audience, DateTimeOffset now, DateTimeOffset expires, Dictionary<string, object> claims)
    {
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
        });
        return (token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }
}
