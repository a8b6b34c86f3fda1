using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

internal sealed class TurnOptionsValidator : IValidateOptions<TurnOptions>
{
    private const string Section = TurnOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, TurnOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Urls.Count; i++)
        {
            if (!HasScheme(options.Urls[i], "turn:", "turns:"))
                failures.Add($"{Section}:{nameof(TurnOptions.Urls)}:{i} must be a turn: or turns: URL (RFC 7065), was '{options.Urls[i]}'.");
        }
        for (var i = 0; i < options.StunUrls.Count; i++)
        {
            if (!HasScheme(options.StunUrls[i], "stun:", "stuns:"))
                failures.Add($"{Section}:{nameof(TurnOptions.StunUrls)}:{i} must be a stun: or stuns: URL (RFC 7064), was '{options.StunUrls[i]}'.");
        }
        if (options.Urls.Count > 0 && options.StaticAuthSecret.Length < 16)
            failures.Add($"{Section}:{nameof(TurnOptions.StaticAuthSecret)} must be at least 16 characters when {Section}:{nameof(TurnOptions.Urls)} is set (coturn's static-auth-secret).");
        if (options.CredentialLifetime < TimeSpan.FromMinutes(1) || options.CredentialLifetime > TimeSpan.FromDays(7))
            failures.Add($"{Section}:{nameof(TurnOptions.CredentialLifetime)} is {options.CredentialLifetime}; expected 00:01:00 to 7.00:00:00.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool HasScheme(string? url, string plain, string secure) =>
        url is not null && url.Length > secure.Length && !url.Any(char.IsWhiteSpace)
        && (url.StartsWith(plain, StringComparison.OrdinalIgnoreCase) || url.StartsWith(secure, StringComparison.OrdinalIgnoreCase));
}
