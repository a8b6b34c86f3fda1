using System.Net;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Hosting.Internal;

internal sealed class ReverseProxyOptionsValidator : IValidateOptions<ReverseProxyOptions>
{
    private const string Section = ReverseProxyOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ReverseProxyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.KnownProxies.Length; i++)
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
                failures.Add($"{Section}:{nameof(ReverseProxyOptions.KnownProxies)}:{i} must be an IP address (was '{options.KnownProxies[i]}').");
        for (var i = 0; i < options.KnownNetworks.Length; i++)
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out _))
                failures.Add($"{Section}:{nameof(ReverseProxyOptions.KnownNetworks)}:{i} must be a CIDR network such as 10.0.0.0/8 (was '{options.KnownNetworks[i]}').");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
