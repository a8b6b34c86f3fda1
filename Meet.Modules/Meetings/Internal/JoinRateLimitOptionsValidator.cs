using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

internal sealed class JoinRateLimitOptionsValidator : IValidateOptions<JoinRateLimitOptions>
{
    private const string Section = JoinRateLimitOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, JoinRateLimitOptions options)
    {
        var failures = new List<string>();
        if (options.TokenLimit <= 0)
            failures.Add($"{Section}:{nameof(JoinRateLimitOptions.TokenLimit)} must be positive.");
        if (options.TokensPerPeriod <= 0)
            failures.Add($"{Section}:{nameof(JoinRateLimitOptions.TokensPerPeriod)} must be positive.");
        if (options.ReplenishmentPeriod <= TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(JoinRateLimitOptions.ReplenishmentPeriod)} must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
