namespace Meet.Modules.Meetings;

public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    // HS256 key, at least 32 bytes of UTF-8. Empty: a random key is generated once and kept in
    // the data folder, so tokens survive restarts.
    public string? SigningKey { get; set; }

    // Signing-key rotation: the keys used before SigningKey. They no longer sign, but tokens they signed
    // stay valid until their own expiry (at most TokenLifetime after the rotation); then remove them.
    public string[] PreviousSigningKeys { get; set; } = [];

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public string Issuer { get; set; } = "meet";

    // Invitation links the host mints (POST /v1/meetings/{id}/invitations) live this long unless the
    // request asks for less.
    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(1);

    public ExternalIdentityOptions External { get; set; } = new();
}
