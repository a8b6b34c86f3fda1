namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// AES-128-CTR through EVP: keyed once, per packet only the IV is reset.
internal sealed unsafe class OpenSslAesCtr : CtrCipher
{
    private readonly Native.EvpCipherContextHandle _handle;
    private readonly nint _ctx;

    public OpenSslAesCtr(ReadOnlySpan<byte> key)
    {
        if (!Native.IsOpenSslAvailable)
        {
            throw new PlatformNotSupportedException("OpenSSL 3 libcrypto is not available.");
        }

        _handle = Native.EVP_CIPHER_CTX_new();
        if (_handle.IsInvalid)
        {
            _handle.Dispose();
            throw new InvalidOperationException("EVP_CIPHER_CTX_new failed.");
        }

        _ctx = _handle.DangerousGetHandle();
        fixed (byte* k = key)
        {
            if (Native.EVP_EncryptInit_ex(_ctx, Native.EVP_aes_128_ctr(), 0, k, null) != 1)
            {
                _handle.Dispose();
                throw new InvalidOperationException("EVP init for AES-128-CTR failed.");
            }
        }
    }

    public override void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (data.IsEmpty)
        {
            return;
        }

        int outLength;
        fixed (byte* v = iv)
        fixed (byte* d = data)
        {
            if (Native.EVP_EncryptInit_ex(_ctx, 0, 0, null, v) != 1
                || Native.EVP_EncryptUpdate(_ctx, d, &outLength, d, data.Length) != 1)
            {
                throw new InvalidOperationException("OpenSSL AES-CTR failed.");
            }
        }
    }

    public override void Dispose() => _handle.Dispose();
}
