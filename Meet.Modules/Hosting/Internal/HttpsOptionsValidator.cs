using Microsoft.Extensions.Options;

namespace Meet.Modules.Hosting.Internal;

internal sealed class HttpsOptionsValidator(ServerCertificate certificate) : IValidateOptions<HttpsOptions>
{
    private const string Section = HttpsOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, HttpsOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
            failures.Add($"{Section}:{nameof(HttpsOptions.Port)} must be 1 to 65535 (was {options.Port}).");
        if (options.HstsMaxAge < TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(HttpsOptions.HstsMaxAge)} must not be negative.");
        if (!options.Enabled && !string.IsNullOrWhiteSpace(options.KeyPath))
            failures.Add($"{Section}:{nameof(HttpsOptions.KeyPath)} is set without {Section}:{nameof(HttpsOptions.CertificatePath)}.");
        if (certificate.GetOrLoad(options).Error is { } error)
            failures.Add(error);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
