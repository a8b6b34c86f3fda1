using System.Diagnostics.CodeAnalysis;

namespace Meet.PacketEngine;

// Keeps throw sites out of hot methods so they stay small enough to inline.
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowIndexOutOfRange(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "No datagram at this index.");
}
