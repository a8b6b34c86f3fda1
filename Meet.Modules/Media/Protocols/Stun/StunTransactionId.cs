using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Stun;

// The 96-bit transaction id as a value, so agents can remember outstanding checks without arrays.
public readonly record struct StunTransactionId(ulong High, uint Low)
{
    public const int Size = 12;

    public static StunTransactionId NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Size];
        RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    public static StunTransactionId Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]));

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Low);
    }
}
