using Microsoft.Extensions.Options;

namespace Meet.Modules.Storage.Internal;

internal sealed class RedisOptionsValidator : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (options.Enabled && string.IsNullOrWhiteSpace(options.KeyPrefix))
            return ValidateOptionsResult.Fail("Redis:KeyPrefix must not be empty");
        if (options.KeyPrefix.Length > 64)
            return ValidateOptionsResult.Fail("Redis:KeyPrefix is longer than 64 characters");
        if (options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > TimeSpan.FromMinutes(5))
            return ValidateOptionsResult.Fail("Redis:ConnectTimeout must be between 0 and 5 minutes");
        return ValidateOptionsResult.Success;
    }
}
