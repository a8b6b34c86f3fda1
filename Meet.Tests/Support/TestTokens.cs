using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meet.Tests.Support;

// Hand-made tokens for the negative cases (expired, wrong key); claim names as the server issues them.
internal static class TestTokens
{
    public static string Create(string meetingId, string role, DateTimeOffset expires, string signingKey = MeetTestHost.SigningKey, string userId = "usr_test")
    {
        var issuedAt = expires.AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "meet",
            Audience = "meet",
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object> { ["sub"] = userId, ["mtg"] = meetingId, ["role"] = role },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static JsonWebToken Read(string token) => new(token);
}
