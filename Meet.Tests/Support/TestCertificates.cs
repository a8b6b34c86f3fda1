using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Meet.Tests.Support;

// Self-signed server certificates made by the test (CN=localhost, SAN localhost/127.0.0.1), written as
// PEM (certificate + key files) or PFX into a temporary folder.
internal static class TestCertificates
{
    public static X509Certificate2 CreateSelfSigned(string subject = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subject);
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
    }

    // (certificate path, key path, the certificate itself).
    public static (string CertificatePath, string KeyPath, X509Certificate2 Certificate) WritePem(string directory)
    {
        var certificate = CreateSelfSigned();
        var certificatePath = Path.Combine(directory, "meet.crt");
        var keyPath = Path.Combine(directory, "meet.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate);
    }

    public static (string Path, X509Certificate2 Certificate) WritePfx(string directory, string password)
    {
        var certificate = CreateSelfSigned();
        var path = Path.Combine(directory, "meet.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return (path, certificate);
    }

    // An HttpClient handler that accepts exactly this certificate (pinned by thumbprint), nothing else.
    public static SocketsHttpHandler PinnedHandler(X509Certificate2 certificate, bool allowRedirect = true) => new()
    {
        AllowAutoRedirect = allowRedirect,
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == certificate.GetCertHashString() },
    };
}
