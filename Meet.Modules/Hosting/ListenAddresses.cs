using Microsoft.Extensions.Configuration;

namespace Meet.Modules.Hosting;

// The addresses Kestrel listens on when `urls` is not configured, derived from the one switch
// Node:Public (all interfaces instead of localhost) and from Https:CertificatePath (an HTTPS port
// beside the HTTP one). The signaling module's gRPC endpoint follows the same rule.
public static class ListenAddresses
{
    public const int HttpPort = 5000;
    public const int GrpcPort = 5001;
    public const string PublicKey = "Node:Public";

    public static bool IsPublic(IConfiguration configuration) =>
        bool.TryParse(configuration[PublicKey], out var value) && value;

    public static bool HasCertificate(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{HttpsOptions.SectionName}:{nameof(HttpsOptions.CertificatePath)}"]);

    // `urls` when set, else HTTP on 5000 (+ HTTPS on Https:Port with a certificate), on localhost or on
    // every interface.
    public static string Urls(IConfiguration configuration)
    {
        var configured = configuration["urls"];
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        var host = Host(configuration);
        var http = $"http://{host}:{HttpPort}";
        if (!HasCertificate(configuration))
            return http;
        var httpsPort = int.TryParse(configuration[$"{HttpsOptions.SectionName}:{nameof(HttpsOptions.Port)}"], out var port) ? port : new HttpsOptions().Port;
        return $"https://{host}:{httpsPort};{http}";
    }

    // Signaling:GrpcUrl when the key is present (empty turns the cleartext endpoint off). Otherwise a
    // cleartext HTTP/2 endpoint on 5001 — but not with a certificate: then gRPC runs over TLS on the
    // HTTPS endpoint (ALPN picks HTTP/2) and nothing carries tokens in clear.
    public static string GrpcUrl(IConfiguration configuration)
    {
        var configured = configuration.GetSection("Signaling:GrpcUrl");
        if (configured.Value is not null)
            return configured.Value;
        return HasCertificate(configuration) ? "" : $"http://{Host(configuration)}:{GrpcPort}";
    }

    private static string Host(IConfiguration configuration) => IsPublic(configuration) ? "0.0.0.0" : "localhost";
}
