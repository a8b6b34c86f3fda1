using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Meet.Modules.Hosting.Internal;

// Loads Https:CertificatePath once. Both the start-up validator and Kestrel ask for it, so a missing or
// unreadable file fails start-up with a message naming the key instead of a TLS error per connection.
// Loaded from the options being validated (the validator runs first), so it depends on no IOptions.
internal sealed class ServerCertificate
{
    private const string Section = HttpsOptions.SectionName;
    private readonly Lock gate = new();
    private (X509Certificate2? Certificate, string? Error)? loaded;

    public (X509Certificate2? Certificate, string? Error) GetOrLoad(HttpsOptions https)
    {
        lock (gate)
            return loaded ??= Load(https);
    }

    internal static (X509Certificate2? Certificate, string? Error) Load(HttpsOptions https)
    {
        if (!https.Enabled)
            return (null, null);
        var path = https.CertificatePath!;
        if (!File.Exists(path))
            return (null, $"{Section}:{nameof(HttpsOptions.CertificatePath)} names '{path}', which does not exist.");
        if (!string.IsNullOrEmpty(https.KeyPath) && !File.Exists(https.KeyPath))
            return (null, $"{Section}:{nameof(HttpsOptions.KeyPath)} names '{https.KeyPath}', which does not exist.");
        try
        {
            var certificate = IsPkcs12(path)
                ? X509CertificateLoader.LoadPkcs12FromFile(path, https.Password, X509KeyStorageFlags.EphemeralKeySet)
                : string.IsNullOrEmpty(https.Password)
                    ? X509Certificate2.CreateFromPemFile(path, string.IsNullOrEmpty(https.KeyPath) ? null : https.KeyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, https.Password, string.IsNullOrEmpty(https.KeyPath) ? null : https.KeyPath);
            if (!certificate.HasPrivateKey)
                return (null, $"{Section}:{nameof(HttpsOptions.CertificatePath)} '{path}' has no private key: set {Section}:{nameof(HttpsOptions.KeyPath)} or use a PFX that includes it.");
            return (certificate, null);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            var keys = IsPkcs12(path)
                ? $"{Section}:{nameof(HttpsOptions.CertificatePath)} / {Section}:{nameof(HttpsOptions.Password)}"
                : $"{Section}:{nameof(HttpsOptions.CertificatePath)} / {Section}:{nameof(HttpsOptions.KeyPath)}";
            return (null, $"{keys}: cannot read the certificate '{path}': {ex.Message}");
        }
    }

    // PEM files start with "-----BEGIN"; anything else (.pfx, .p12, DER) is tried as PKCS#12.
    private static bool IsPkcs12(string path)
    {
        Span<byte> head = stackalloc byte[10];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return !head[..read].SequenceEqual("-----BEGIN"u8);
    }
}
