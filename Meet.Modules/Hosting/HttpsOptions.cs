namespace Meet.Modules.Hosting;

// Bound from the "Https" configuration section. A certificate here makes Meet serve the REST API,
// SignalR, the page and gRPC over TLS; Kestrel's own "Kestrel:Certificates"/"Kestrel:Endpoints"
// configuration keeps working for setups that need more than one certificate.
public sealed class HttpsOptions
{
    public const string SectionName = "Https";

    // A PEM certificate (with KeyPath, or with the key in the same file) or a PFX/PKCS#12 file.
    public string? CertificatePath { get; set; }

    // The PEM private key; empty when the key is inside CertificatePath.
    public string? KeyPath { get; set; }

    // The PFX password or the encrypted PEM key's password.
    public string? Password { get; set; }

    // The HTTPS port of the default listen addresses (when `urls` is not set).
    public int Port { get; set; } = 5443;

    // Plain HTTP requests (except gRPC's cleartext endpoint) are redirected to HTTPS.
    public bool RedirectHttp { get; set; } = true;

    // Strict-Transport-Security max-age sent on HTTPS responses; zero turns HSTS off.
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}
