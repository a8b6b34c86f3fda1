namespace Meet.Modules.Media.Protocols.Stun;

// CRC-32 (ISO 3309 / IEEE 802.3, reflected polynomial 0xEDB88320) as FINGERPRINT needs (RFC 8489 §14.7).
// Slicing-by-4 keeps a ~100-byte binding check well under 100 ns without a package dependency.
internal static class StunCrc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var table = Table;
        var crc = 0xFFFF_FFFFu;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = table[768 + (int)(crc & 0xFF)] ^ table[512 + (int)((crc >> 8) & 0xFF)]
                ^ table[256 + (int)((crc >> 16) & 0xFF)] ^ table[(int)(crc >> 24)];
        }
        for (; i < data.Length; i++)
            crc = table[(int)((crc ^ data[i]) & 0xFF)] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[1024];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        for (var n = 0; n < 256; n++)
        {
            for (var s = 1; s < 4; s++)
            {
                var previous = table[(s - 1) * 256 + n];
                table[s * 256 + n] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }
        return table;
    }
}
