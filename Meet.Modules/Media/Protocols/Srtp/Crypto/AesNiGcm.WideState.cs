using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

internal sealed partial class AesNiGcm
{
    // The 512-bit GHASH of AesNiGcm: H^16..H^1 four to a register. Built only when VPCLMULQDQ and
    // AVX-512BW exist at 512 bits (IsWideSupported); the lane arithmetic is Ghash512.
    private sealed class WideState
    {
        // Lane i of _powers[r] holds H^(16 - 4r - i): block i of a 16-block group is multiplied by it.
        private readonly Powers _powers;

        public WideState(Vector128<ulong> h1)
        {
            Span<Vector128<ulong>> h = stackalloc Vector128<ulong>[17];
            h[1] = h1;
            for (var i = 2; i <= 16; i++)
                h[i] = MultiplyReduced(h[i - 1], h1);
            for (var r = 0; r < 4; r++)
            {
                var top = 16 - 4 * r;
                _powers[r] = Vector512.Create(Vector256.Create(h[top], h[top - 1]), Vector256.Create(h[top - 2], h[top - 3]));
            }
        }

        // GHASH over whole 256-byte groups, continuing from x: sixteen products summed unreduced per
        // lane, the four lanes folded, one reduction. Returns the bytes hashed.
        public int Hash(ref Vector128<ulong> x, ReadOnlySpan<byte> data)
        {
            ref byte d = ref MemoryMarshal.GetReference(data);
            var length = data.Length;
            var offset = 0;
            while (length - offset >= 256)
            {
                var b0 = Load(ref d, offset) ^ Vector512.Create(Vector256.Create(x, Vector128<ulong>.Zero), Vector256<ulong>.Zero);
                Ghash512.MultiplyUnreduced(b0, _powers[0], out var lo, out var hi);
                Ghash512.MultiplyUnreduced(Load(ref d, offset + 64), _powers[1], out var lo1, out var hi1);
                Ghash512.MultiplyUnreduced(Load(ref d, offset + 128), _powers[2], out var lo2, out var hi2);
                Ghash512.MultiplyUnreduced(Load(ref d, offset + 192), _powers[3], out var lo3, out var hi3);
                lo ^= lo1 ^ lo2 ^ lo3;
                hi ^= hi1 ^ hi2 ^ hi3;
                x = ReduceProduct(Ghash512.Fold(lo), Ghash512.Fold(hi));
                offset += 256;
            }
            return offset;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> Load(ref byte data, int offset) =>
            Ghash512.Reflect(Vector512.LoadUnsafe(ref Unsafe.Add(ref data, offset)));

        [InlineArray(4)]
        private struct Powers
        {
            private Vector512<ulong> _power;
        }
    }
}
