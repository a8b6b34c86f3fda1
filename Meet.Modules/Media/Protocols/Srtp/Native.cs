using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Meet.Modules.Media.Protocols.Srtp;

// OpenSSL's libcrypto, the same library .NET's System.Security.Cryptography loads on Linux. Called
// directly because the managed wrappers cost more per packet than the crypto itself (AesGcm carries
// ~490 ns of fixed overhead per call here; EVP called directly, ~340 ns all in).
//
// The per-packet entry points are [SuppressGCTransition]: each runs for well under a few microseconds
// on a packet, never blocks, takes no lock and never calls back into managed code, which is the
// contract that attribute requires. That saves the ~15 ns GC-mode transition on each of the five or
// so calls a packet makes.
internal static unsafe partial class Native
{
    private const string LibCrypto = "libcrypto.so.3";

    public const int EvpCtrlAeadGetTag = 0x10;
    public const int EvpCtrlAeadSetTag = 0x11;

    // Only OpenSSL 3 is bound (the SHA_CTX layout and symbol versions used here are 3.x), and only on
    // Linux, where .NET itself depends on it. Anything else takes the portable managed paths.
    public static bool IsOpenSslAvailable { get; } = ProbeOpenSsl();

    [LibraryImport(LibCrypto)]
    private static partial nuint OpenSSL_version_num();

    [LibraryImport(LibCrypto)]
    public static partial EvpCipherContextHandle EVP_CIPHER_CTX_new();

    [LibraryImport(LibCrypto)]
    public static partial void EVP_CIPHER_CTX_free(nint ctx);

    [LibraryImport(LibCrypto)]
    public static partial nint EVP_aes_128_gcm();

    [LibraryImport(LibCrypto)]
    public static partial nint EVP_aes_128_ctr();

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_EncryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_DecryptInit_ex(nint ctx, nint cipher, nint engine, byte* key, byte* iv);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_EncryptUpdate(nint ctx, byte* output, int* outputLength, byte* input, int inputLength);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_DecryptUpdate(nint ctx, byte* output, int* outputLength, byte* input, int inputLength);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_EncryptFinal_ex(nint ctx, byte* output, int* outputLength);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_DecryptFinal_ex(nint ctx, byte* output, int* outputLength);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int EVP_CIPHER_CTX_ctrl(nint ctx, int type, int arg, void* ptr);

    // The low-level SHA-1 API (deprecated in 3.0 but exported) works on a caller-owned SHA_CTX, so the
    // HMAC inner/outer pad states can be precomputed once and copied per packet without any
    // allocation, which EVP_MD_CTX_copy_ex/EVP_MAC re-init would do on every call in 3.0.
    [LibraryImport(LibCrypto)]
    public static partial int SHA1_Init(byte* context);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int SHA1_Update(byte* context, byte* data, nuint length);

    [LibraryImport(LibCrypto)]
    [SuppressGCTransition]
    public static partial int SHA1_Final(byte* digest, byte* context);

    // sizeof(SHA_CTX): h0..h4, Nl, Nh, data[16], num — 24 32-bit words.
    public const int Sha1ContextSize = 96;

    private static bool ProbeOpenSsl()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return OpenSSL_version_num() >= 0x30000000;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    internal sealed class EvpCipherContextHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public EvpCipherContextHandle()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle()
        {
            EVP_CIPHER_CTX_free(handle);
            return true;
        }
    }
}
