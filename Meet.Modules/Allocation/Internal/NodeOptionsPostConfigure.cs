using System.Net;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Allocation.Internal;

// Resolves an empty Node:PublicIp before validation: loopback for a private server, the detected
// interface address for Node:Public. A detection that finds nothing stays empty and fails validation
// with a message naming Node:PublicIp. Node:SignalingFallbacks loses repeated entries: the section is
// bound by both the allocation and the media module, and binding an array again appends to it.
internal sealed class NodeOptionsPostConfigure : IPostConfigureOptions<NodeOptions>
{
    public void PostConfigure(string? name, NodeOptions options)
    {
        options.SignalingFallbacks = [.. options.SignalingFallbacks.Distinct(StringComparer.Ordinal)];
        Resolve(options, PublicAddressDetector.Detect);
    }

    internal static void Resolve(NodeOptions options, Func<IPAddress?> detect)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicIp))
            return;
        options.PublicIp = options.Public ? detect()?.ToString() ?? "" : IPAddress.Loopback.ToString();
    }
}
