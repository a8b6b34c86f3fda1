namespace Meet.Tests.PacketEngine.Dpdk.Frames;

/// <summary>RFC 1071 written the plain way (big-endian words, one at a time) to check the fast one against.</summary>
internal static class ReferenceChecksum
{
    public static ushort Compute(params byte[][] parts)
    {
        uint sum = 0;
        foreach (var bytes in parts)
        {
            for (var i = 0; i < bytes.Length; i += 2)
            {
                var word = (bytes[i] << 8) | (i + 1 < bytes.Length ? bytes[i + 1] : 0);
                sum += (uint)word;
                sum = (sum & 0xFFFF) + (sum >> 16);
            }
        }
        return (ushort)~sum;
    }
}
