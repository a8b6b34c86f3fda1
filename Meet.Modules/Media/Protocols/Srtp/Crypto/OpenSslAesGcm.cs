namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// One EVP context per direction of use, keyed once; per packet only the IV is set
// (EVP_*Init_ex with NULL cipher and key keeps the key schedule and GHASH tables).
internal sealed unsafe class OpenSslAesGcm : AeadCipher
{
    private readonly Native.EvpCipherContextHandle _encryptHandle;
    private readonly Native.EvpCipherContextHandle _decryptHandle;
    private readonly nint _encrypt;
    private readonly nint _decrypt;

    public OpenSslAesGcm(ReadOnlySpan<byte> key)
    {
        if (!Native.IsOpenSslAvailable)
        {
            throw new PlatformNotSupportedException("OpenSSL 3 libcrypto is not available.");
        }

        _encryptHandle = CreateContext(key, encrypt: true);
        _decryptHandle = CreateContext(key, encrypt: false);
        _encrypt = _encryptHandle.DangerousGetHandle();
        _decrypt = _decryptHandle.DangerousGetHandle();
    }

    public override void Encrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, Span<byte> tag)
    {
        ObjectDisposedException.ThrowIf(_encryptHandle.IsClosed, this);
        int outLength;
        fixed (byte* n = nonce)
        fixed (byte* a1 = aad1)
        fixed (byte* a2 = aad2)
        fixed (byte* d = data)
        fixed (byte* t = tag)
        {
            Check(Native.EVP_EncryptInit_ex(_encrypt, 0, 0, null, n));
            Check(Native.EVP_EncryptUpdate(_encrypt, null, &outLength, a1, aad1.Length));
            if (!aad2.IsEmpty)
            {
                Check(Native.EVP_EncryptUpdate(_encrypt, null, &outLength, a2, aad2.Length));
            }

            if (!data.IsEmpty)
            {
                Check(Native.EVP_EncryptUpdate(_encrypt, d, &outLength, d, data.Length));
            }

            Check(Native.EVP_EncryptFinal_ex(_encrypt, t, &outLength));
            Check(Native.EVP_CIPHER_CTX_ctrl(_encrypt, Native.EvpCtrlAeadGetTag, TagLength, t));
        }
    }

    public override bool Decrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        ObjectDisposedException.ThrowIf(_decryptHandle.IsClosed, this);
        int outLength;
        fixed (byte* n = nonce)
        fixed (byte* a1 = aad1)
        fixed (byte* a2 = aad2)
        fixed (byte* d = data)
        fixed (byte* t = tag)
        {
            Check(Native.EVP_DecryptInit_ex(_decrypt, 0, 0, null, n));
            Check(Native.EVP_DecryptUpdate(_decrypt, null, &outLength, a1, aad1.Length));
            if (!aad2.IsEmpty)
            {
                Check(Native.EVP_DecryptUpdate(_decrypt, null, &outLength, a2, aad2.Length));
            }

            if (!data.IsEmpty)
            {
                Check(Native.EVP_DecryptUpdate(_decrypt, d, &outLength, d, data.Length));
            }

            Check(Native.EVP_CIPHER_CTX_ctrl(_decrypt, Native.EvpCtrlAeadSetTag, TagLength, t));

            // Final is where GCM compares the tag; it writes no output for GCM.
            byte scratch;
            return Native.EVP_DecryptFinal_ex(_decrypt, &scratch, &outLength) > 0;
        }
    }

    public override void Dispose()
    {
        _encryptHandle.Dispose();
        _decryptHandle.Dispose();
    }

    private static Native.EvpCipherContextHandle CreateContext(ReadOnlySpan<byte> key, bool encrypt)
    {
        var handle = Native.EVP_CIPHER_CTX_new();
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new InvalidOperationException("EVP_CIPHER_CTX_new failed.");
        }

        nint ctx = handle.DangerousGetHandle();
        fixed (byte* k = key)
        {
            int ok = encrypt
                ? Native.EVP_EncryptInit_ex(ctx, Native.EVP_aes_128_gcm(), 0, k, null)
                : Native.EVP_DecryptInit_ex(ctx, Native.EVP_aes_128_gcm(), 0, k, null);
            if (ok != 1)
            {
                handle.Dispose();
                throw new InvalidOperationException("EVP init for AES-128-GCM failed.");
            }
        }

        return handle;
    }

    // EVP only fails here on programmer error (wrong lengths, unkeyed context).
    private static void Check(int result)
    {
        if (result != 1)
        {
            ThrowEvpFailed();
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowEvpFailed() => throw new InvalidOperationException("OpenSSL EVP call failed.");
}
