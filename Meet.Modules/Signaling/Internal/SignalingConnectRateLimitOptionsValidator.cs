using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling.Internal;

internal sealed class SignalingConnectRateLimitOptionsValidator : IValidateOptions<SignalingConnectRateLimitOptions>
{
    private const string Section = SignalingConnectRateLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SignalingConnectRateLimitOptions options)
    {
        var failures = new List<string>();
        if (options.TokenLimit <= 0)
            failures.Add($"{Section}:{nameof(SignalingConnectRateLimitOptions.TokenLimit)} must be positive.");
        if (options.TokensPerPeriod <= 0)
            failures.Add($"{Section}:{nameof(SignalingConnectRateLimitOptions.TokensPerPeriod)} must be positive.");
        if (options.ReplenishmentPeriod <= TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(SignalingConnectRateLimitOptions.ReplenishmentPeriod)} must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
