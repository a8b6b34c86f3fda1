using System.Runtime.CompilerServices;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// HMAC as RFC 2104 defines it, H(K^opad || H(K^ipad || m)), with the SHA-1 states after the two pad
// blocks computed once per key. Per packet: copy the inner state, hash the packet, finish; copy the
// outer state, hash the 20-byte inner digest, finish. libcrypto's SHA-1 uses SHA-NI where present.
internal sealed unsafe class OpenSslHmacSha1 : HmacSha1
{
    private const int BlockLength = 64;

    // Pinned so native code can use it without fixed statements: inner | outer | work.
    private readonly byte[] _states = GC.AllocateArray<byte>(3 * Native.Sha1ContextSize, pinned: true);

    public OpenSslHmacSha1(ReadOnlySpan<byte> key)
    {
        if (!Native.IsOpenSslAvailable)
        {
            throw new PlatformNotSupportedException("OpenSSL 3 libcrypto is not available.");
        }

        if (key.Length > BlockLength)
        {
            // SRTP auth keys are 20 bytes; longer keys would first be hashed, which SRTP never needs.
            throw new ArgumentException("HMAC keys longer than one block are not supported.", nameof(key));
        }

        Span<byte> pad = stackalloc byte[BlockLength];
        byte* inner = State(0);
        byte* outer = State(1);
        Initialise(inner, key, pad, 0x36);
        Initialise(outer, key, pad, 0x5c);
        pad.Clear();
    }

    public override void Compute(ReadOnlySpan<byte> data, Span<byte> digest)
    {
        byte* work = State(2);
        byte* innerDigest = stackalloc byte[DigestLength];
        Unsafe.CopyBlockUnaligned(work, State(0), Native.Sha1ContextSize);
        fixed (byte* d = data)
        {
            Native.SHA1_Update(work, d, (nuint)data.Length);
        }

        Native.SHA1_Final(innerDigest, work);
        Unsafe.CopyBlockUnaligned(work, State(1), Native.Sha1ContextSize);
        Native.SHA1_Update(work, innerDigest, DigestLength);
        fixed (byte* out20 = digest)
        {
            Native.SHA1_Final(out20, work);
        }
    }

    public override void Dispose() => new Span<byte>(State(0), _states.Length).Clear();

    private byte* State(int index) =>
        (byte*)Unsafe.AsPointer(ref _states[index * Native.Sha1ContextSize]);

    private static void Initialise(byte* state, ReadOnlySpan<byte> key, Span<byte> pad, byte padByte)
    {
        pad.Fill(padByte);
        for (int i = 0; i < key.Length; i++)
        {
            pad[i] ^= key[i];
        }

        Native.SHA1_Init(state);
        fixed (byte* p = pad)
        {
            Native.SHA1_Update(state, p, BlockLength);
        }
    }
}
