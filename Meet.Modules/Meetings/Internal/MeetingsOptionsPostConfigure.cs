using System.Net;
using Meet.Modules.Allocation;
using Meet.Modules.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Meetings.Internal;

// With Node:Public and no PublicBaseUrl, joinUrl and the signaling URLs carry the announced address
// (Node:PublicIp, detected or configured) and the listen port, so the link the host copies from a page
// opened on localhost still works on other machines. HTTPS is preferred when a certificate is set.
internal sealed class MeetingsOptionsPostConfigure(IConfiguration configuration, IOptions<NodeOptions> node) : IPostConfigureOptions<MeetingsOptions>
{
    public void PostConfigure(string? name, MeetingsOptions options)
    {
        if (!string.IsNullOrEmpty(options.PublicBaseUrl) || !node.Value.Public)
            return;
        options.PublicBaseUrl = Derive(ListenAddresses.Urls(configuration), node.Value.PublicIp);
    }

    // Null when no listen address has a fixed port (port 0): the request's host is used then.
    internal static string? Derive(string urls, string publicIp)
    {
        if (!IPAddress.TryParse(publicIp, out _))
            return null;
        var candidates = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(url => Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null)
            .Where(uri => uri is not null && uri.Port > 0 && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            .OrderBy(uri => uri!.Scheme == Uri.UriSchemeHttps ? 0 : 1)
            .ToList();
        if (candidates.Count == 0)
            return null;
        var chosen = candidates[0]!;
        return new UriBuilder(chosen.Scheme, publicIp, chosen.Port).Uri.ToString().TrimEnd('/');
    }
}
