using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp;

// Shared inputs: every implementation path per profile, so each test runs on all of them.
internal static class SrtpTestData
{
    public static IEnumerable<TestCaseData> AllPaths()
    {
        foreach (var cipher in new[] { SrtpCipherPath.OpenSsl, SrtpCipherPath.AesNi, SrtpCipherPath.Vaes, SrtpCipherPath.Portable })
        {
            yield return Case(SrtpProtectionProfile.AeadAes128Gcm, new SrtpCryptoPaths(cipher, SrtpMacPath.Auto));
        }

        foreach (var cipher in new[] { SrtpCipherPath.AesNi, SrtpCipherPath.OpenSsl, SrtpCipherPath.Portable })
        {
            foreach (var mac in new[] { SrtpMacPath.OpenSsl, SrtpMacPath.Portable })
            {
                yield return Case(SrtpProtectionProfile.AesCm128HmacSha1_80, new SrtpCryptoPaths(cipher, mac));
            }
        }

        static TestCaseData Case(SrtpProtectionProfile profile, SrtpCryptoPaths paths) =>
            new TestCaseData(profile, $"{paths.Cipher}+{paths.Mac}");
    }

    // Test methods are public and the path enums internal, so cases carry "Cipher+Mac" strings.
    public static SrtpCryptoPaths Parse(string paths)
    {
        var parts = paths.Split('+');
        return new SrtpCryptoPaths(Enum.Parse<SrtpCipherPath>(parts[0]), Enum.Parse<SrtpMacPath>(parts[1]));
    }

    public static IEnumerable<TestCaseData> GcmPaths() =>
        AllPaths().Where(c => (SrtpProtectionProfile)c.Arguments[0]! == SrtpProtectionProfile.AeadAes128Gcm);

    public static IEnumerable<TestCaseData> CmPaths() =>
        AllPaths().Where(c => (SrtpProtectionProfile)c.Arguments[0]! == SrtpProtectionProfile.AesCm128HmacSha1_80);

    public static SrtpKeyingMaterial Keys(SrtpProtectionProfile profile, byte seed = 1)
    {
        const int keyLength = 16;
        int saltLength = profile == SrtpProtectionProfile.AeadAes128Gcm ? 12 : 14;
        var key = Enumerable.Range(0, keyLength).Select(i => (byte)(seed + (i * 7))).ToArray();
        var salt = Enumerable.Range(0, saltLength).Select(i => (byte)(seed + 100 + (i * 3))).ToArray();
        return new SrtpKeyingMaterial(profile, key, salt);
    }

    // An RTP packet with optional CSRCs and a one-byte-header extension, in a buffer with room for
    // any profile's tag.
    public static byte[] Rtp(ushort sequence, uint ssrc, int payloadLength, int csrcCount = 0, bool extension = false, int seed = 0)
    {
        int headerLength = 12 + (4 * csrcCount) + (extension ? 8 : 0);
        var packet = new byte[headerLength + payloadLength];
        packet[0] = (byte)(0x80 | (extension ? 0x10 : 0) | csrcCount);
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 90_000u * sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (int i = 0; i < csrcCount; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12 + (4 * i)), 0x1000u + (uint)i);
        }

        if (extension)
        {
            int at = 12 + (4 * csrcCount);
            packet[at] = 0xBE;
            packet[at + 1] = 0xDE;
            packet[at + 3] = 1;
            packet[at + 4] = 0x10;
            packet[at + 5] = 0x7F;
        }

        var random = new Random(seed + sequence);
        random.NextBytes(packet.AsSpan(headerLength));
        return packet;
    }

    // A compound RTCP packet: a receiver report with one report block and an SDES item.
    public static byte[] Rtcp(uint ssrc, int seed = 0)
    {
        var packet = new byte[32 + 16];
        packet[0] = 0x81;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        new Random(seed).NextBytes(packet.AsSpan(8, 24));
        packet[32] = 0x81;
        packet[33] = 202;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(34), 3);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(36), ssrc);
        packet[40] = 1;
        packet[41] = 4;
        "meet"u8.CopyTo(packet.AsSpan(42));
        return packet;
    }

    // Copies a packet into a buffer with spare room, as the SFU's pooled buffers have.
    public static byte[] WithRoom(byte[] packet, int room = 64)
    {
        var buffer = new byte[packet.Length + room];
        packet.CopyTo(buffer, 0);
        return buffer;
    }
}
