using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Meet.Tests.Media.Protocols.Dtls;

// Just enough ICE-lite for a browser to reach DTLS: answers STUN binding requests (RFC 8489) with
// XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (keyed with our ice-pwd) and FINGERPRINT. The real STUN/ICE
// code lives in Protocols/Stun and Protocols/Ice; this test stand-in keeps the DTLS test independent.
internal static class TestStunResponder
{
    private const uint MagicCookie = 0x2112A442;
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static bool IsBindingRequest(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= 20 && BinaryPrimitives.ReadUInt16BigEndian(datagram) == 0x0001
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    public static byte[] BuildSuccess(ReadOnlySpan<byte> request, IPEndPoint from, string icePwd)
    {
        var response = new byte[64];
        Span<byte> r = response;
        BinaryPrimitives.WriteUInt16BigEndian(r, 0x0101);
        BinaryPrimitives.WriteUInt32BigEndian(r[4..], MagicCookie);
        request[8..20].CopyTo(r[8..]);
        // XOR-MAPPED-ADDRESS, IPv4 (RFC 8489 §14.2).
        BinaryPrimitives.WriteUInt16BigEndian(r[20..], 0x0020);
        BinaryPrimitives.WriteUInt16BigEndian(r[22..], 8);
        r[25] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(r[26..], (ushort)(from.Port ^ (MagicCookie >> 16)));
        BinaryPrimitives.WriteUInt32BigEndian(r[28..], BinaryPrimitives.ReadUInt32BigEndian(from.Address.GetAddressBytes()) ^ MagicCookie);
        // MESSAGE-INTEGRITY over everything before it, with the length field covering it (§14.5).
        BinaryPrimitives.WriteUInt16BigEndian(r[2..], 36);
        BinaryPrimitives.WriteUInt16BigEndian(r[32..], 0x0008);
        BinaryPrimitives.WriteUInt16BigEndian(r[34..], 20);
        HMACSHA1.HashData(Encoding.UTF8.GetBytes(icePwd), r[..32], r[36..56]);
        // FINGERPRINT: CRC-32 xor 0x5354554e, length covering it (§14.7).
        BinaryPrimitives.WriteUInt16BigEndian(r[2..], 44);
        BinaryPrimitives.WriteUInt16BigEndian(r[56..], 0x8028);
        BinaryPrimitives.WriteUInt16BigEndian(r[58..], 4);
        BinaryPrimitives.WriteUInt32BigEndian(r[60..], Crc32(r[..56]) ^ 0x5354554e);
        return response;
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
