using System.Net;

namespace Meet.Modules.Hosting.Internal;

// What a new user's "share the link" would run into with this configuration, as start-up warnings
// that name the keys to change. Pure: the reporter feeds it the resolved settings.
internal static class ReachabilityCheck
{
    public static IReadOnlyList<string> Warnings(string listenUrls, string publicIp, string? publicBaseUrl, bool httpsEnabled, bool reverseProxy)
    {
        var warnings = new List<string>();
        var listenHosts = listenUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(HostOf).ToList();
        var listensOnlyLocally = listenHosts.Count > 0 && listenHosts.All(IsLoopbackHost);
        var announcesLoopback = IPAddress.TryParse(publicIp, out var ip) && IPAddress.IsLoopback(ip);
        var baseUrlLoopback = !string.IsNullOrEmpty(publicBaseUrl) && IsLoopbackHost(HostOf(publicBaseUrl));

        var local = new List<string>();
        // Behind a reverse proxy on the same machine, a loopback listener is the right setup.
        if (listensOnlyLocally && !reverseProxy)
            local.Add($"HTTP listens on {listenUrls} only (urls)");
        if (announcesLoopback)
            local.Add($"ICE candidates announce {publicIp} (Node:PublicIp)");
        if (baseUrlLoopback)
            local.Add($"join links point at {publicBaseUrl} (PublicBaseUrl)");
        if (local.Count > 0)
            warnings.Add($"This configuration serves only this machine: {string.Join("; ", local)}. " +
                         $"Set {ListenAddresses.PublicKey}=true to listen on every interface and announce this machine's address " +
                         "(or set urls, Node:PublicIp and PublicBaseUrl), and Https:CertificatePath for HTTPS.");

        // Browsers grant getUserMedia only to secure contexts: http://localhost is one, http://<lan-ip> is not.
        if (!listensOnlyLocally && !httpsEnabled && !reverseProxy &&
            !(publicBaseUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false))
            warnings.Add("Meet is reachable from other machines over plain HTTP, where browsers refuse the camera and microphone: " +
                         "set Https:CertificatePath (and Https:KeyPath for PEM), or run behind a TLS reverse proxy with ReverseProxy:Enabled=true and PublicBaseUrl=https://….");
        return warnings;
    }

    private static string HostOf(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var rest = schemeEnd < 0 ? url : url[(schemeEnd + 3)..];
        var end = rest.StartsWith('[') ? rest.IndexOf(']') + 1 : rest.IndexOfAny([':', '/']);
        return end <= 0 ? rest : rest[..end];
    }

    private static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
