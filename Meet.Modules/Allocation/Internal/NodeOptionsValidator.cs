using System.Net;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation.Internal;

internal sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    private const string Section = NodeOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var failures = new List<string>();
        if (options.Public && string.IsNullOrEmpty(options.PublicIp))
            failures.Add($"{Section}:{nameof(NodeOptions.PublicIp)} could not be detected for {Section}:{nameof(NodeOptions.Public)}=true (no interface with a non-loopback address is up): set it to the address other machines reach this server at.");
        else if (!IPAddress.TryParse(options.PublicIp, out _) || options.PublicIp.Length > 45)
            failures.Add($"{Section}:{nameof(NodeOptions.PublicIp)} must be an IPv4 or IPv6 address (was '{options.PublicIp}').");
        if (string.IsNullOrWhiteSpace(options.Region) || options.Region.Length > 64)
            failures.Add($"{Section}:{nameof(NodeOptions.Region)} must be 1 to 64 characters.");
        if (options.HeartbeatInterval <= TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(NodeOptions.HeartbeatInterval)} must be positive.");
        if (options.StaleAfter <= options.HeartbeatInterval)
            failures.Add($"{Section}:{nameof(NodeOptions.StaleAfter)} must be longer than {Section}:{nameof(NodeOptions.HeartbeatInterval)}.");
        if (options.DrainTimeout < TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(NodeOptions.DrainTimeout)} must not be negative.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
