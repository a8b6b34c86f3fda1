using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Globalization;

namespace Meet.PacketEngine.Dpdk.Frames;

/// <summary>A 48-bit Ethernet address held in the low bits of a ulong (network byte order).</summary>
internal readonly record struct MacAddress(ulong Value)
{
    public const int Size = 6;

    public static MacAddress Broadcast { get; } = new(0xFFFF_FFFF_FFFFUL);

    public bool IsBroadcast => Value == Broadcast.Value;

    // The I/G bit (first octet, least significant bit) marks group addresses (IEEE 802-2014 8.2).
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static MacAddress Read(ReadOnlySpan<byte> source) =>
        new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(source) << 32) | BinaryPrimitives.ReadUInt32BigEndian(source[2..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)Value);
    }

    /// <summary>Accepts "02:00:00:00:00:01" or "02-00-00-00-00-01".</summary>
    public static bool TryParse(string? text, out MacAddress address)
    {
        address = default;
        if (text is null || text.Length != 17)
            return false;
        ulong value = 0;
        for (var i = 0; i < 6; i++)
        {
            if (i > 0 && text[i * 3 - 1] is not (':' or '-'))
                return false;
            if (!byte.TryParse(text.AsSpan(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var octet))
                return false;
            value = (value << 8) | octet;
        }
        address = new MacAddress(value);
        return true;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return string.Join(':', bytes.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }
}
