using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// AES-128-CTR on the AES-NI instructions, eight blocks in flight so AESENC's latency is hidden. The
// expanded key schedule lives in the instance; nothing is allocated per packet.
internal sealed class AesNiCtr : CtrCipher
{
    private RoundKeys _keys;

    public AesNiCtr(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI is not available.");
        }

        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128 needs a 16-byte key.", nameof(key));
        }

        ExpandKey(key, ref _keys);
    }

    public static bool IsSupported => X86Aes.IsSupported && Sse2.IsSupported;

    public override void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        // The counter is the IV's last 32 bits, big-endian; lane 3 of the vector holds it byte-swapped.
        Vector128<byte> ivVector = Vector128.Create(iv);
        uint counter = BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(12));
        Vector128<uint> baseBlock = ivVector.AsUInt32();

        Vector128<byte> k0 = _keys[0], k1 = _keys[1], k2 = _keys[2], k3 = _keys[3], k4 = _keys[4], k5 = _keys[5];
        Vector128<byte> k6 = _keys[6], k7 = _keys[7], k8 = _keys[8], k9 = _keys[9], k10 = _keys[10];

        ref byte d = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset = 0;
        while (length - offset >= 128)
        {
            var b0 = Sse2.Xor(Block(baseBlock, counter), k0);
            var b1 = Sse2.Xor(Block(baseBlock, counter + 1), k0);
            var b2 = Sse2.Xor(Block(baseBlock, counter + 2), k0);
            var b3 = Sse2.Xor(Block(baseBlock, counter + 3), k0);
            var b4 = Sse2.Xor(Block(baseBlock, counter + 4), k0);
            var b5 = Sse2.Xor(Block(baseBlock, counter + 5), k0);
            var b6 = Sse2.Xor(Block(baseBlock, counter + 6), k0);
            var b7 = Sse2.Xor(Block(baseBlock, counter + 7), k0);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k1);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k2);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k3);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k4);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k5);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k6);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k7);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k8);
            Round(ref b0, ref b1, ref b2, ref b3, ref b4, ref b5, ref b6, ref b7, k9);
            XorLast(ref d, offset, b0, k10);
            XorLast(ref d, offset + 16, b1, k10);
            XorLast(ref d, offset + 32, b2, k10);
            XorLast(ref d, offset + 48, b3, k10);
            XorLast(ref d, offset + 64, b4, k10);
            XorLast(ref d, offset + 80, b5, k10);
            XorLast(ref d, offset + 96, b6, k10);
            XorLast(ref d, offset + 112, b7, k10);
            counter += 8;
            offset += 128;
        }

        while (offset < length)
        {
            var b = Sse2.Xor(Block(baseBlock, counter), k0);
            b = X86Aes.Encrypt(b, k1);
            b = X86Aes.Encrypt(b, k2);
            b = X86Aes.Encrypt(b, k3);
            b = X86Aes.Encrypt(b, k4);
            b = X86Aes.Encrypt(b, k5);
            b = X86Aes.Encrypt(b, k6);
            b = X86Aes.Encrypt(b, k7);
            b = X86Aes.Encrypt(b, k8);
            b = X86Aes.Encrypt(b, k9);
            b = X86Aes.EncryptLast(b, k10);
            int remaining = length - offset;
            if (remaining >= 16)
            {
                ref byte at = ref Unsafe.Add(ref d, offset);
                (Vector128.LoadUnsafe(ref at) ^ b).StoreUnsafe(ref at);
                offset += 16;
            }
            else
            {
                var keystream = new KeystreamBlock();
                b.StoreUnsafe(ref keystream[0]);
                for (int i = 0; i < remaining; i++)
                {
                    Unsafe.Add(ref d, offset + i) ^= keystream[i];
                }

                offset = length;
            }

            counter++;
        }
    }

    public override void Dispose() => ((Span<Vector128<byte>>)_keys).Clear();

    // The eleven round keys in order, for the multi-buffer batch (AesNiGcmBatch), which runs blocks of
    // several keys through the rounds together.
    internal ref readonly Vector128<byte> FirstRoundKey => ref _keys[0];

    // One block of plain AES-128, for GCM's hash key and tag mask.
    public Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        block = Sse2.Xor(block, _keys[0]);
        for (int round = 1; round < 10; round++)
        {
            block = X86Aes.Encrypt(block, _keys[round]);
        }

        return X86Aes.EncryptLast(block, _keys[10]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Block(Vector128<uint> baseBlock, uint counter) =>
        baseBlock.WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(
        ref Vector128<byte> b0, ref Vector128<byte> b1, ref Vector128<byte> b2, ref Vector128<byte> b3,
        ref Vector128<byte> b4, ref Vector128<byte> b5, ref Vector128<byte> b6, ref Vector128<byte> b7,
        Vector128<byte> key)
    {
        b0 = X86Aes.Encrypt(b0, key);
        b1 = X86Aes.Encrypt(b1, key);
        b2 = X86Aes.Encrypt(b2, key);
        b3 = X86Aes.Encrypt(b3, key);
        b4 = X86Aes.Encrypt(b4, key);
        b5 = X86Aes.Encrypt(b5, key);
        b6 = X86Aes.Encrypt(b6, key);
        b7 = X86Aes.Encrypt(b7, key);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void XorLast(ref byte data, int offset, Vector128<byte> block, Vector128<byte> lastKey)
    {
        ref byte at = ref Unsafe.Add(ref data, offset);
        (Vector128.LoadUnsafe(ref at) ^ X86Aes.EncryptLast(block, lastKey)).StoreUnsafe(ref at);
    }

    // FIPS-197 §5.2 key expansion for AES-128 via AESKEYGENASSIST; the round constant must be an
    // immediate, hence one call per round.
    private static void ExpandKey(ReadOnlySpan<byte> key, ref RoundKeys keys)
    {
        var k = Vector128.Create(key);
        keys[0] = k;
        keys[1] = k = Expand(k, X86Aes.KeygenAssist(k, 0x01));
        keys[2] = k = Expand(k, X86Aes.KeygenAssist(k, 0x02));
        keys[3] = k = Expand(k, X86Aes.KeygenAssist(k, 0x04));
        keys[4] = k = Expand(k, X86Aes.KeygenAssist(k, 0x08));
        keys[5] = k = Expand(k, X86Aes.KeygenAssist(k, 0x10));
        keys[6] = k = Expand(k, X86Aes.KeygenAssist(k, 0x20));
        keys[7] = k = Expand(k, X86Aes.KeygenAssist(k, 0x40));
        keys[8] = k = Expand(k, X86Aes.KeygenAssist(k, 0x80));
        keys[9] = k = Expand(k, X86Aes.KeygenAssist(k, 0x1b));
        keys[10] = Expand(k, X86Aes.KeygenAssist(k, 0x36));
    }

    private static Vector128<byte> Expand(Vector128<byte> key, Vector128<byte> assist)
    {
        assist = Sse2.Shuffle(assist.AsInt32(), 0xFF).AsByte();
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        key = Sse2.Xor(key, Sse2.ShiftLeftLogical128BitLane(key, 4));
        return Sse2.Xor(key, assist);
    }

    [InlineArray(16)]
    private struct KeystreamBlock
    {
        private byte _byte;
    }

    [InlineArray(11)]
    private struct RoundKeys
    {
        private Vector128<byte> _key;
    }
}
