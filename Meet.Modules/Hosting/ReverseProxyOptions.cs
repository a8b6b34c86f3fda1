namespace Meet.Modules.Hosting;

// Bound from the "ReverseProxy" configuration section: Meet behind a TLS-terminating proxy (nginx,
// Caddy, Traefik). X-Forwarded-For/-Proto/-Host from the listed proxies are honoured, so the join
// rate limit counts the real client and joinUrl carries the public scheme and host.
public sealed class ReverseProxyOptions
{
    public const string SectionName = "ReverseProxy";

    public bool Enabled { get; set; }

    // Proxy addresses whose forwarded headers are trusted; loopback is always trusted.
    public string[] KnownProxies { get; set; } = [];

    // Proxy networks in CIDR notation (10.0.0.0/8) whose forwarded headers are trusted.
    public string[] KnownNetworks { get; set; } = [];
}
