using System.Text;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    private const string Section = AuthOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        // HS256 needs a key at least as long as the hash (RFC 7518 §3.2).
        if (!string.IsNullOrEmpty(options.SigningKey) && Encoding.UTF8.GetByteCount(options.SigningKey) < SigningKeyStore.MinimumKeyBytes)
            failures.Add($"{Section}:{nameof(AuthOptions.SigningKey)} must be at least {SigningKeyStore.MinimumKeyBytes} bytes (256 bits) for HS256, or left empty to generate one.");
        for (var i = 0; i < options.PreviousSigningKeys.Length; i++)
            if (Encoding.UTF8.GetByteCount(options.PreviousSigningKeys[i] ?? "") < SigningKeyStore.MinimumKeyBytes)
                failures.Add($"{Section}:{nameof(AuthOptions.PreviousSigningKeys)}:{i} must be at least {SigningKeyStore.MinimumKeyBytes} bytes, like the key it was.");
        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromDays(30))
            failures.Add($"{Section}:{nameof(AuthOptions.TokenLifetime)} must be between 0 and 30 days.");
        if (options.InvitationLifetime <= TimeSpan.Zero || options.InvitationLifetime > TimeSpan.FromDays(30))
            failures.Add($"{Section}:{nameof(AuthOptions.InvitationLifetime)} must be between 0 and 30 days.");
        var external = options.External;
        if (external.Enabled)
        {
            if (string.IsNullOrWhiteSpace(external.Audience))
                failures.Add($"{Section}:External:Audience is required when {Section}:External:Issuer is set.");
            if (string.IsNullOrWhiteSpace(external.JwksUrl) == string.IsNullOrWhiteSpace(external.Jwks))
                failures.Add($"{Section}:External needs exactly one of JwksUrl and Jwks.");
            if (!string.IsNullOrWhiteSpace(external.JwksUrl) && !(Uri.TryCreate(external.JwksUrl, UriKind.Absolute, out var jwks) && jwks.Scheme is "https" or "http"))
                failures.Add($"{Section}:External:JwksUrl must be an absolute http(s) URL (was '{external.JwksUrl}').");
            if (!string.IsNullOrWhiteSpace(external.Jwks) && !ExternalIdentityValidator.TryParseKeys(external.Jwks, out _))
                failures.Add($"{Section}:External:Jwks is not a JSON Web Key Set with at least one key.");
        }
        if (string.IsNullOrWhiteSpace(options.Issuer))
            failures.Add($"{Section}:{nameof(AuthOptions.Issuer)} must not be empty.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
