using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// GHASH arithmetic four 128-bit lanes at a time on 512-bit VPCLMULQDQ (AVX-512BW), each lane exactly as
// AesNiGcm's 128-bit code does it (byte-reflected operands). The wide single-packet path puts four
// blocks of one packet in a register; the multi-buffer batch puts one block of four packets.
internal static class Ghash512
{
    public static bool IsSupported => Pclmulqdq.V512.IsSupported && Avx512BW.IsSupported;

    // Per 128-bit lane: reverse all 16 bytes.
    private static readonly Vector512<byte> ReflectMask = Vector512.Create(
        (byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Reflect(Vector512<byte> blocks) => Avx512BW.Shuffle(blocks, ReflectMask).AsUInt64();

    // The 256-bit carry-less product hi:lo of each lane pair (schoolbook, four VPCLMULQDQ).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyUnreduced(Vector512<ulong> a, Vector512<ulong> b, out Vector512<ulong> lo, out Vector512<ulong> hi)
    {
        var t0 = Pclmulqdq.V512.CarrylessMultiply(a, b, 0x00);
        var t1 = Pclmulqdq.V512.CarrylessMultiply(a, b, 0x10);
        var t2 = Pclmulqdq.V512.CarrylessMultiply(a, b, 0x01);
        var t3 = Pclmulqdq.V512.CarrylessMultiply(a, b, 0x11);
        var middle = (t1 ^ t2).AsByte();
        lo = t0 ^ Avx512BW.ShiftLeftLogical128BitLane(middle, 8).AsUInt64();
        hi = t3 ^ Avx512BW.ShiftRightLogical128BitLane(middle, 8).AsUInt64();
    }

    // Per lane, AesNiGcm.Reduce: shift hi:lo left by one bit and reduce modulo x^128 + x^7 + x^2 + x + 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Reduce(Vector512<ulong> lo64, Vector512<ulong> hi64)
    {
        var lo = lo64.AsUInt32();
        var hi = hi64.AsUInt32();
        var carryLo = Avx512F.ShiftRightLogical(lo, 31);
        var carryHi = Avx512F.ShiftRightLogical(hi, 31);
        lo = Avx512F.ShiftLeftLogical(lo, 1);
        hi = Avx512F.ShiftLeftLogical(hi, 1);
        var carryAcross = Avx512BW.ShiftRightLogical128BitLane(carryLo.AsByte(), 12).AsUInt32();
        carryHi = Avx512BW.ShiftLeftLogical128BitLane(carryHi.AsByte(), 4).AsUInt32();
        carryLo = Avx512BW.ShiftLeftLogical128BitLane(carryLo.AsByte(), 4).AsUInt32();
        lo |= carryLo;
        hi |= carryHi | carryAcross;

        var a = Avx512F.ShiftLeftLogical(lo, 31) ^ Avx512F.ShiftLeftLogical(lo, 30) ^ Avx512F.ShiftLeftLogical(lo, 25);
        var spill = Avx512BW.ShiftRightLogical128BitLane(a.AsByte(), 4).AsUInt32();
        a = Avx512BW.ShiftLeftLogical128BitLane(a.AsByte(), 12).AsUInt32();
        lo ^= a;

        var d = Avx512F.ShiftRightLogical(lo, 1) ^ Avx512F.ShiftRightLogical(lo, 2) ^ Avx512F.ShiftRightLogical(lo, 7) ^ spill;
        return (hi ^ lo ^ d).AsUInt64();
    }

    // The four lanes' sum (used by the single-packet path before its one 128-bit reduction).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Fold(Vector512<ulong> v) =>
        v.GetLower().GetLower() ^ v.GetLower().GetUpper() ^ v.GetUpper().GetLower() ^ v.GetUpper().GetUpper();
}
