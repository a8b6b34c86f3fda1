using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>
/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit
/// words. The sum is byte-order independent (RFC 1071 section 2(B)), so words are added in the
/// machine's little-endian order and the folded result is swapped once at the end; that lets the
/// bulk of a 1,200-byte payload be summed with 512- or 256-bit vectors. Every part but the last must have an
/// even length so word boundaries line up.
/// </summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> to a running (unfolded, little-endian) sum.</summary>
    public static ulong Accumulate(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var offset = 0;
        // Each 32-bit lane takes two 16-bit words per step, at most 2 * 0xFFFF: no overflow for
        // inputs far larger than any frame (32,768 steps = 1 MiB per lane).
        if (Vector512.IsHardwareAccelerated && length >= 128)
        {
            var low = Vector512<uint>.Zero;
            var high = Vector512<uint>.Zero;
            var mask = Vector512.Create(0xFFFFu);
            for (; offset <= length - 64; offset += 64)
            {
                var words = Vector512.LoadUnsafe(ref Unsafe.Add(ref start, offset)).AsUInt32();
                low += words & mask;
                high += words >>> 16;
            }
            sum += Vector512.Sum(Vector512.WidenLower(low) + Vector512.WidenUpper(low))
                + Vector512.Sum(Vector512.WidenLower(high) + Vector512.WidenUpper(high));
        }
        if (Vector256.IsHardwareAccelerated && length - offset >= 64)
        {
            var low = Vector256<uint>.Zero;
            var high = Vector256<uint>.Zero;
            var mask = Vector256.Create(0xFFFFu);
            for (; offset <= length - 32; offset += 32)
            {
                var words = Vector256.LoadUnsafe(ref Unsafe.Add(ref start, offset)).AsUInt32();
                low += words & mask;
                high += words >>> 16;
            }
            sum += Vector256.Sum(Vector256.WidenLower(low) + Vector256.WidenUpper(low))
                + Vector256.Sum(Vector256.WidenLower(high) + Vector256.WidenUpper(high));
        }
        for (; offset <= length - 8; offset += 8)
        {
            var value = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset));
            sum += (value & 0xFFFF_FFFF) + (value >> 32);
        }
        for (; offset <= length - 2; offset += 2)
            sum += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, offset));
        if (offset < length)
            sum += Unsafe.Add(ref start, offset); // odd last byte: padded with a zero byte (RFC 1071)
        return sum;
    }

    /// <summary>Folds a running sum and returns the checksum to write (network order value).</summary>
    public static ushort Finish(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)~BinaryPrimitives.ReverseEndianness((ushort)sum);
    }

    public static ushort Compute(ReadOnlySpan<byte> data) => Finish(Accumulate(data));

    /// <summary>
    /// The IPv4 pseudo-header of RFC 768 (source, destination, zero, protocol, UDP length), summed
    /// without materialising it.
    /// </summary>
    public static ulong PseudoHeader(uint sourceIp, uint destinationIp, byte protocol, ushort length)
    {
        // Little-endian words of the big-endian pseudo-header bytes.
        ulong sum = BinaryPrimitives.ReverseEndianness((ushort)(sourceIp >> 16))
            + (ulong)BinaryPrimitives.ReverseEndianness((ushort)sourceIp)
            + BinaryPrimitives.ReverseEndianness((ushort)(destinationIp >> 16))
            + BinaryPrimitives.ReverseEndianness((ushort)destinationIp)
            + BinaryPrimitives.ReverseEndianness((ushort)protocol)
            + BinaryPrimitives.ReverseEndianness(length);
        return sum;
    }
}
