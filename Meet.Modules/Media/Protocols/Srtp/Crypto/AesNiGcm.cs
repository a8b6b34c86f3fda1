using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// AES-128-GCM (NIST SP 800-38D) on AES-NI and PCLMULQDQ, for a 12-byte IV: CTR from the AES-NI
// keystream (counter block IV || 2 onward), GHASH four blocks per reduction with H^1..H^4
// precomputed. GHASH follows Gueron & Kounavis, "Intel Carry-Less Multiplication Instruction and its
// Usage for Computing the GCM Mode" (byte-reflected operands, shift-by-one then reduce), and is
// checked against AesGcm, OpenSSL, the RFC 7714 vectors and libsrtp by the tests.
// Unlike EVP, decryption authenticates before it decrypts, so a forged packet is left untouched.
//
// Wide (issue 14, where VPCLMULQDQ exists at 512 bits): GHASH folds sixteen blocks per reduction,
// four carry-less products per instruction with H^16..H^1 laid out four to a register; what is left
// (under 256 bytes) goes through the 128-bit code. .NET 10 exposes no 512-bit AESENC (VAES), so CTR
// stays on AES-NI, eight blocks in flight. Same result bit for bit, checked against the narrow path
// and libsrtp by the tests.
internal sealed partial class AesNiGcm : AeadCipher
{
    private readonly AesNiCtr _aes;
    private readonly Vector128<ulong> _h1;
    private readonly Vector128<ulong> _h2;
    private readonly Vector128<ulong> _h3;
    private readonly Vector128<ulong> _h4;
    private readonly WideState? _wide;

    // Associated data in two parts is hashed as one stream; SRTCP's 8 + 4 bytes need joining.
    private byte[] _joinedAad = new byte[64];

    public AesNiGcm(ReadOnlySpan<byte> key, bool wide = false)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI, PCLMULQDQ and SSSE3 are not all available.");
        }

        _aes = new AesNiCtr(key);
        _h1 = Reflect(_aes.EncryptBlock(Vector128<byte>.Zero)).AsUInt64();
        _h2 = Multiply(_h1, _h1);
        _h3 = Multiply(_h2, _h1);
        _h4 = Multiply(_h3, _h1);
        if (wide && IsWideSupported)
            _wide = new WideState(_h1);
    }

    public static bool IsSupported => AesNiCtr.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    public static bool IsWideSupported => IsSupported && Ghash512.IsSupported;

    public bool IsWide => _wide is not null;

    // For the multi-buffer batch (AesNiGcmBatch): the key schedule and H^1..H^4.
    internal AesNiCtr Ctr => _aes;

    internal Vector128<ulong> H1 => _h1;

    internal Vector128<ulong> H2 => _h2;

    internal Vector128<ulong> H3 => _h3;

    internal Vector128<ulong> H4 => _h4;

    public override void Encrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, Span<byte> tag)
    {
        Transform(nonce, data);
        ComputeTag(nonce, Join(aad1, aad2), data).StoreUnsafe(ref MemoryMarshal.GetReference(tag));
    }

    public override bool Decrypt(
        ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2, Span<byte> data, ReadOnlySpan<byte> tag)
    {
        var expected = ComputeTag(nonce, Join(aad1, aad2), data);
        var received = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(tag));

        // Branch-free over the whole tag: no early exit that could leak how many bytes matched.
        if (Sse2.Xor(expected, received) != Vector128<byte>.Zero)
        {
            return false;
        }

        Transform(nonce, data);
        return true;
    }

    // CTR from counter block IV || 2.
    private void Transform(ReadOnlySpan<byte> nonce, Span<byte> data)
    {
        Span<byte> counter = stackalloc byte[16];
        nonce.CopyTo(counter);
        BinaryPrimitives.WriteUInt32BigEndian(counter.Slice(12), 2);
        _aes.Transform(counter, data);
    }

    public override void Dispose() => _aes.Dispose();

    private Vector128<byte> ComputeTag(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        var x = Vector128<ulong>.Zero;
        x = Hash(x, aad);
        x = Hash(x, ciphertext);

        // len(A) || len(C) in bits, 64-bit big-endian each.
        Span<byte> lengths = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(lengths, (ulong)aad.Length * 8);
        BinaryPrimitives.WriteUInt64BigEndian(lengths.Slice(8), (ulong)ciphertext.Length * 8);
        x = Multiply(Sse2.Xor(x, Reflect(Vector128.Create((ReadOnlySpan<byte>)lengths)).AsUInt64()), _h1);

        Span<byte> j0 = stackalloc byte[16];
        nonce.CopyTo(j0);
        BinaryPrimitives.WriteUInt32BigEndian(j0.Slice(12), 1);
        return Sse2.Xor(Reflect(x.AsByte()), _aes.EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)j0)));
    }

    // GHASH over data zero-padded to whole blocks, continuing from x.
    private Vector128<ulong> Hash(Vector128<ulong> x, ReadOnlySpan<byte> data)
    {
        ref byte d = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset = _wide is { } wide ? wide.Hash(ref x, data) : 0;
        while (length - offset >= 64)
        {
            var b0 = Sse2.Xor(x, Load(ref d, offset));
            var b1 = Load(ref d, offset + 16);
            var b2 = Load(ref d, offset + 32);
            var b3 = Load(ref d, offset + 48);

            // (x ^ b0)·H^4 + b1·H^3 + b2·H^2 + b3·H, summed unreduced, then reduced once.
            MultiplyUnreduced(b0, _h4, out var lo, out var hi);
            MultiplyUnreduced(b1, _h3, out var lo1, out var hi1);
            MultiplyUnreduced(b2, _h2, out var lo2, out var hi2);
            MultiplyUnreduced(b3, _h1, out var lo3, out var hi3);
            lo = Sse2.Xor(Sse2.Xor(lo, lo1), Sse2.Xor(lo2, lo3));
            hi = Sse2.Xor(Sse2.Xor(hi, hi1), Sse2.Xor(hi2, hi3));
            x = Reduce(lo, hi);
            offset += 64;
        }

        while (length - offset >= 16)
        {
            x = Multiply(Sse2.Xor(x, Load(ref d, offset)), _h1);
            offset += 16;
        }

        if (offset < length)
        {
            var last = new Block();
            data.Slice(offset).CopyTo(last);
            x = Multiply(Sse2.Xor(x, Reflect(Vector128.LoadUnsafe(ref last[0])).AsUInt64()), _h1);
        }

        return x;
    }

    private ReadOnlySpan<byte> Join(ReadOnlySpan<byte> aad1, ReadOnlySpan<byte> aad2)
    {
        if (aad2.IsEmpty)
        {
            return aad1;
        }

        int total = aad1.Length + aad2.Length;
        if (_joinedAad.Length < total)
        {
            _joinedAad = new byte[total];
        }

        aad1.CopyTo(_joinedAad);
        aad2.CopyTo(_joinedAad.AsSpan(aad1.Length));
        return _joinedAad.AsSpan(0, total);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Load(ref byte data, int offset) =>
        Reflect(Vector128.LoadUnsafe(ref Unsafe.Add(ref data, offset))).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reflect(Vector128<byte> block) =>
        Ssse3.Shuffle(block, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        MultiplyUnreduced(a, b, out var lo, out var hi);
        return Reduce(lo, hi);
    }

    // Shared with the wide path: it folds its 512-bit sums down to one 128-bit hi:lo and reduces here.
    internal static Vector128<ulong> ReduceProduct(Vector128<ulong> lo, Vector128<ulong> hi) => Reduce(lo, hi);

    internal static Vector128<ulong> MultiplyReduced(Vector128<ulong> a, Vector128<ulong> b) => Multiply(a, b);

    // The 256-bit carry-less product hi:lo of two 128-bit operands (schoolbook, four PCLMULQDQ).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MultiplyUnreduced(Vector128<ulong> a, Vector128<ulong> b, out Vector128<ulong> lo, out Vector128<ulong> hi)
    {
        var t0 = Pclmulqdq.CarrylessMultiply(a, b, 0x00);
        var t1 = Pclmulqdq.CarrylessMultiply(a, b, 0x10);
        var t2 = Pclmulqdq.CarrylessMultiply(a, b, 0x01);
        var t3 = Pclmulqdq.CarrylessMultiply(a, b, 0x11);
        var middle = Sse2.Xor(t1, t2);
        lo = Sse2.Xor(t0, Sse2.ShiftLeftLogical128BitLane(middle, 8));
        hi = Sse2.Xor(t3, Sse2.ShiftRightLogical128BitLane(middle, 8));
    }

    // Shift hi:lo left by one bit (the operands are bit-reflected) and reduce modulo
    // x^128 + x^7 + x^2 + x + 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Reduce(Vector128<ulong> lo64, Vector128<ulong> hi64)
    {
        var lo = lo64.AsUInt32();
        var hi = hi64.AsUInt32();
        var carryLo = Sse2.ShiftRightLogical(lo, 31);
        var carryHi = Sse2.ShiftRightLogical(hi, 31);
        lo = Sse2.ShiftLeftLogical(lo, 1);
        hi = Sse2.ShiftLeftLogical(hi, 1);
        var carryAcross = Sse2.ShiftRightLogical128BitLane(carryLo, 12);
        carryHi = Sse2.ShiftLeftLogical128BitLane(carryHi, 4);
        carryLo = Sse2.ShiftLeftLogical128BitLane(carryLo, 4);
        lo = Sse2.Or(lo, carryLo);
        hi = Sse2.Or(Sse2.Or(hi, carryHi), carryAcross);

        var a = Sse2.ShiftLeftLogical(lo, 31);
        var b = Sse2.ShiftLeftLogical(lo, 30);
        var c = Sse2.ShiftLeftLogical(lo, 25);
        a = Sse2.Xor(Sse2.Xor(a, b), c);
        var spill = Sse2.ShiftRightLogical128BitLane(a, 4);
        a = Sse2.ShiftLeftLogical128BitLane(a, 12);
        lo = Sse2.Xor(lo, a);

        var d = Sse2.ShiftRightLogical(lo, 1);
        var e = Sse2.ShiftRightLogical(lo, 2);
        var f = Sse2.ShiftRightLogical(lo, 7);
        d = Sse2.Xor(Sse2.Xor(d, e), Sse2.Xor(f, spill));
        lo = Sse2.Xor(lo, d);
        return Sse2.Xor(hi, lo).AsUInt64();
    }

    [InlineArray(16)]
    private struct Block
    {
        private byte _byte;
    }
}
