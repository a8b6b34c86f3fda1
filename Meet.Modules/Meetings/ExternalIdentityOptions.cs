namespace Meet.Modules.Meetings;

// Auth:External (issue 13): an OIDC/JWT issuer whose users join as themselves (role participant, user id
// = the token's `sub`). Off while Issuer is empty. Signing keys come from the issuer's JWKS: JwksUrl
// (fetched on first use, refetched when a token names an unknown key, at most every 30 s) or Jwks, the
// key set inline (for deployments that cannot reach the issuer, and for tests).
public sealed class ExternalIdentityOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? JwksUrl { get; set; }

    public string? Jwks { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer);
}
