using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Meet.Modules.Meetings.Internal.Contracts;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

// Time-limited TURN credentials in the TURN REST API form (draft-uberti-behave-turn-rest-00 §2.2),
// which coturn checks with use-auth-secret: the username carries its own expiry, the password is
// the HMAC-SHA1 of the username under the shared secret, so the TURN server needs no user database.
internal sealed class TurnCredentialIssuer(IOptions<TurnOptions> options, TimeProvider clock)
{
    public IReadOnlyList<IceServerResponse> IceServersFor(string user)
    {
        var turn = options.Value;
        var servers = new List<IceServerResponse>(2);
        if (turn.StunUrls.Count > 0)
            servers.Add(new IceServerResponse(turn.StunUrls.ToArray(), null, null));
        if (turn.Urls.Count > 0)
        {
            var (username, password) = Issue(turn.StaticAuthSecret, user, clock.GetUtcNow() + turn.CredentialLifetime);
            servers.Add(new IceServerResponse(turn.Urls.ToArray(), username, password));
        }
        return servers;
    }

    public static (string Username, string Password) Issue(string secret, string user, DateTimeOffset expiresAt)
    {
        // ':' separates the expiry from the user part; coturn reads the number before the first one.
        var username = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + user.Replace(':', '_');
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }
}
