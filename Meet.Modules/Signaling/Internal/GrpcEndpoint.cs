using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Meet.Modules.Meetings;
using Microsoft.Extensions.Configuration;

namespace Meet.Modules.Signaling.Internal;

// gRPC needs HTTP/2. Kestrel only offers HTTP/2 on a cleartext endpoint when that endpoint is HTTP/2
// only (prior knowledge; mixed cleartext endpoints answer HTTP_1_1_REQUIRED, dotnet/aspnetcore#56984),
// and browsers need HTTP/1.1 there. So Signaling:GrpcUrl adds a second, HTTP/2-only endpoint. Endpoints
// set in code make Kestrel ignore `urls`, so the `urls` endpoints are re-declared here as well.
internal sealed class GrpcEndpoint : ISignalingAddressSource
{
    public const string DefaultUrls = "http://localhost:5000";

    private ListenOptions? listener;

    // The address gRPC clients use, with the real port once the server has started (port 0 = any).
    public Uri? Address
    {
        get
        {
            if (listener?.IPEndPoint is not { } endpoint)
                return null;
            // A wildcard bind is reachable on loopback; UriBuilder brackets IPv6 literals.
            var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
                : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
                : endpoint.Address;
            return new UriBuilder(Uri.UriSchemeHttp, host.ToString(), endpoint.Port).Uri;
        }
    }

    Uri? ISignalingAddressSource.GrpcAddress => Address;

    public void Configure(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var grpcUrl = configuration[$"{SignalingOptions.SectionName}:GrpcUrl"] ?? SignalingOptions.DefaultGrpcUrl;
        if (string.IsNullOrWhiteSpace(grpcUrl))
            return;
        if (!configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            var urls = configuration["urls"];
            foreach (var url in (string.IsNullOrWhiteSpace(urls) ? DefaultUrls : urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Listen(kestrel, url, url.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1);
        }
        listener = Listen(kestrel, grpcUrl, HttpProtocols.Http2);
    }

    private static ListenOptions? Listen(KestrelServerOptions kestrel, string url, HttpProtocols protocols)
    {
        var address = BindingAddress.Parse(url);
        ListenOptions? result = null;
        void Apply(ListenOptions options)
        {
            options.Protocols = protocols;
            if (string.Equals(address.Scheme, "https", StringComparison.OrdinalIgnoreCase))
                options.UseHttps();
            result = options;
        }
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            kestrel.ListenLocalhost(address.Port, Apply);
        else if (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip))
            kestrel.Listen(ip, address.Port, Apply);
        else
            kestrel.ListenAnyIP(address.Port, Apply);
        return result;
    }
}
