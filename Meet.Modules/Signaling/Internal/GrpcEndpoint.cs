using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Meet.Modules.Hosting;
using Meet.Modules.Meetings;
using Microsoft.Extensions.Configuration;

namespace Meet.Modules.Signaling.Internal;

// gRPC needs HTTP/2. Kestrel only offers HTTP/2 on a cleartext endpoint when that endpoint is HTTP/2
// only (prior knowledge; mixed cleartext endpoints answer HTTP_1_1_REQUIRED, dotnet/aspnetcore#56984),
// and browsers need HTTP/1.1 there. So Signaling:GrpcUrl adds a second, HTTP/2-only endpoint. Endpoints
// set in code make Kestrel ignore `urls`, so the `urls` endpoints (or the defaults of ListenAddresses:
// localhost, or every interface with Node:Public) are declared here as well. With an HTTPS certificate
// and no explicit Signaling:GrpcUrl there is no cleartext endpoint: gRPC runs on the HTTPS one.
internal sealed class GrpcEndpoint : ISignalingAddressSource
{
    private ListenOptions? listener;

    // The address gRPC listens on, with the real port once the server has started (port 0 = any). The
    // join response puts the host the client reached in front of a wildcard or loopback bind.
    public Uri? Address
    {
        get
        {
            if (listener?.IPEndPoint is not { } endpoint)
                return null;
            // UriBuilder brackets IPv6 literals.
            return new UriBuilder(Uri.UriSchemeHttp, endpoint.Address.ToString(), endpoint.Port).Uri;
        }
    }

    Uri? ISignalingAddressSource.GrpcAddress => Address;

    public void Configure(KestrelServerOptions kestrel, IConfiguration configuration)
    {
        var grpcUrl = ListenAddresses.GrpcUrl(configuration);
        if (!configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            foreach (var url in ListenAddresses.Urls(configuration).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Listen(kestrel, url, url.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1);
        }
        if (!string.IsNullOrWhiteSpace(grpcUrl))
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
