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
        if ((options.Roles & NodeRoles.Both) == 0 || (options.Roles & ~NodeRoles.Both) != 0)
            failures.Add($"{Section}:{nameof(NodeOptions.Roles)} must be \"signaling\", \"media\" or \"signaling,media\".");
        if (options.ControlPort is < 0 or > 65535)
            failures.Add($"{Section}:{nameof(NodeOptions.ControlPort)} must be a port number (0 = none).");
        if (options.Roles != NodeRoles.Both)
        {
            // A split node is part of a cluster: the media contract runs over the network.
            if (options.ControlPort == 0)
                failures.Add($"{Section}:{nameof(NodeOptions.ControlPort)} must be set when {Section}:{nameof(NodeOptions.Roles)} is not both (the media nodes' control port).");
            if (options.ClusterKey.Length < 16)
                failures.Add($"{Section}:{nameof(NodeOptions.ClusterKey)} must be at least 16 characters when {Section}:{nameof(NodeOptions.Roles)} is not both.");
        }
        for (var i = 0; i < options.SignalingFallbacks.Length; i++)
        {
            var fallback = options.SignalingFallbacks[i];
            if (!Uri.TryCreate(fallback, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
                !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                failures.Add($"{Section}:{nameof(NodeOptions.SignalingFallbacks)}:{i} must be another signaling node's absolute http(s) base URL without query or fragment (was '{fallback}').");
        }
        if (options.ControlCallTimeout <= TimeSpan.Zero)
            failures.Add($"{Section}:{nameof(NodeOptions.ControlCallTimeout)} must be positive.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
