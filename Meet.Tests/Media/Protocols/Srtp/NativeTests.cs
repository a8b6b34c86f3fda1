using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp;

public class NativeTests
{
    [Test]
    public void Openssl_3_is_found_on_linux()
    {
        Native.IsOpenSslAvailable.Should().Be(OperatingSystem.IsLinux());
    }

    [Test]
    public void Auto_selects_the_fastest_available_path_for_each_primitive()
    {
        var key = new byte[16];
        using var gcm = AeadCipher.Create(key, SrtpCipherPath.Auto);
        using var ctr = CtrCipher.Create(key, SrtpCipherPath.Auto);
        using var mac = HmacSha1.Create(new byte[20], SrtpMacPath.Auto);

        gcm.Should().BeOfType(AesNiGcm.IsWideSupported ? typeof(AesNiGcm) : Native.IsOpenSslAvailable ? typeof(OpenSslAesGcm)
            : AesNiGcm.IsSupported ? typeof(AesNiGcm) : typeof(PortableAesGcm));
        if (AesNiGcm.IsWideSupported)
            ((AesNiGcm)gcm).IsWide.Should().BeTrue();
        ctr.Should().BeOfType(AesNiCtr.IsSupported ? typeof(AesNiCtr)
            : Native.IsOpenSslAvailable ? typeof(OpenSslAesCtr) : typeof(PortableAesCtr));
        mac.Should().BeOfType(Native.IsOpenSslAvailable ? typeof(OpenSslHmacSha1) : typeof(PortableHmacSha1));
    }

    [Test]
    public void Evp_context_handle_is_released_on_dispose()
    {
        var handle = Native.EVP_CIPHER_CTX_new();
        handle.IsInvalid.Should().BeFalse();

        handle.Dispose();

        handle.IsClosed.Should().BeTrue();
    }
}
