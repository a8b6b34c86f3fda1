using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Protocols.Stun;

// A validated view over one STUN message (RFC 8489 §5); holds offsets, never copies.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |0 0|     STUN Message Type     |         Message Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                         Magic Cookie                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Transaction ID (96 bits)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Type                  |            Length             |  attributes, each
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  padded to 4 bytes
// |                         Value (variable)                ....
public readonly ref struct StunMessage
{
    public const int HeaderSize = 20;
    public const uint MagicCookie = 0x2112A442;
    public const int MessageIntegritySize = 20;
    internal const uint FingerprintXor = 0x5354554E;

    private readonly ReadOnlySpan<byte> _message;
    // Offsets of the attribute *headers*; 0 means absent (no attribute can start inside the header).
    private readonly short _username;
    private readonly short _xorMappedAddress;
    private readonly short _priority;
    private readonly short _useCandidate;
    private readonly short _iceControlling;
    private readonly short _iceControlled;
    private readonly short _errorCode;
    private readonly short _messageIntegrity;
    private readonly short _fingerprint;
    private readonly bool _hasUnknownRequired;

    private StunMessage(ReadOnlySpan<byte> message, short username, short xorMappedAddress, short priority,
        short useCandidate, short iceControlling, short iceControlled, short errorCode, short messageIntegrity,
        short fingerprint, bool hasUnknownRequired)
    {
        _message = message;
        _username = username;
        _xorMappedAddress = xorMappedAddress;
        _priority = priority;
        _useCandidate = useCandidate;
        _iceControlling = iceControlling;
        _iceControlled = iceControlled;
        _errorCode = errorCode;
        _messageIntegrity = messageIntegrity;
        _fingerprint = fingerprint;
        _hasUnknownRequired = hasUnknownRequired;
    }

    public StunMessageType Type => (StunMessageType)BinaryPrimitives.ReadUInt16BigEndian(_message);

    public ReadOnlySpan<byte> TransactionIdBytes => _message.Slice(8, StunTransactionId.Size);

    public StunTransactionId TransactionId => StunTransactionId.Read(TransactionIdBytes);

    public ReadOnlySpan<byte> Bytes => _message;

    public bool HasUseCandidate => _useCandidate != 0;

    public bool HasMessageIntegrity => _messageIntegrity != 0;

    public bool HasFingerprint => _fingerprint != 0;

    // RFC 8489 §6.3.1: an unknown comprehension-required attribute in a request earns a 420.
    public bool HasUnknownComprehensionRequired => _hasUnknownRequired;

    // RFC 7983 §7: STUN is the only protocol on a WebRTC 5-tuple whose first byte is 0..3;
    // the magic cookie rules out the rest cheaply.
    public static bool IsStun(ReadOnlySpan<byte> packet) =>
        packet.Length >= HeaderSize && packet[0] < 4 && BinaryPrimitives.ReadUInt32BigEndian(packet[4..]) == MagicCookie;

    public static bool TryParse(ReadOnlySpan<byte> packet, out StunMessage message)
    {
        message = default;
        if (!IsStun(packet))
            return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        // §6: the length excludes the header and is a multiple of 4; UDP carries exactly one message.
        if ((length & 3) != 0 || HeaderSize + length != packet.Length)
            return false;
        if (packet.Length > short.MaxValue)
            return false; // offsets are kept as shorts; UDP STUN is far below this anyway.

        short username = 0, xorMapped = 0, priority = 0, useCandidate = 0, controlling = 0, controlled = 0;
        short errorCode = 0, integrity = 0, fingerprint = 0;
        var unknownRequired = false;
        var offset = HeaderSize;
        while (offset < packet.Length)
        {
            if (fingerprint != 0)
                return false; // §14.7: FINGERPRINT is always the last attribute.
            if (packet.Length - offset < 4)
                return false;
            var type = BinaryPrimitives.ReadUInt16BigEndian(packet[offset..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
            var padded = (valueLength + 3) & ~3;
            if (packet.Length - offset - 4 < padded)
                return false;
            var at = (short)offset;
            // §14.5: everything after MESSAGE-INTEGRITY except FINGERPRINT is ignored.
            if (integrity != 0 && type != (ushort)StunAttributeType.Fingerprint)
            {
                offset += 4 + padded;
                continue;
            }
            switch ((StunAttributeType)type)
            {
                case StunAttributeType.Username:
                    if (valueLength > 763) return false; // §14.3: < 513 bytes UTF-8 / 763 after SASLprep.
                    username = First(username, at);
                    break;
                case StunAttributeType.XorMappedAddress:
                    if (valueLength != 8 && valueLength != 20) return false;
                    xorMapped = First(xorMapped, at);
                    break;
                case StunAttributeType.Priority:
                    if (valueLength != 4) return false;
                    priority = First(priority, at);
                    break;
                case StunAttributeType.UseCandidate:
                    if (valueLength != 0) return false;
                    useCandidate = First(useCandidate, at);
                    break;
                case StunAttributeType.IceControlling:
                    if (valueLength != 8) return false;
                    controlling = First(controlling, at);
                    break;
                case StunAttributeType.IceControlled:
                    if (valueLength != 8) return false;
                    controlled = First(controlled, at);
                    break;
                case StunAttributeType.ErrorCode:
                    if (valueLength < 4) return false;
                    errorCode = First(errorCode, at);
                    break;
                case StunAttributeType.MessageIntegrity:
                    if (valueLength != MessageIntegritySize) return false;
                    integrity = at;
                    break;
                case StunAttributeType.Fingerprint:
                    if (valueLength != 4) return false;
                    fingerprint = at;
                    break;
                default:
                    if (type < 0x8000 && !IsKnownComprehensionRequired(type))
                        unknownRequired = true;
                    break;
            }
            offset += 4 + padded;
        }
        message = new StunMessage(packet, username, xorMapped, priority, useCandidate, controlling, controlled,
            errorCode, integrity, fingerprint, unknownRequired);
        return true;
    }

    // §14: only the first occurrence of an attribute counts.
    private static short First(short existing, short offset) => existing != 0 ? existing : offset;

    private static bool IsKnownComprehensionRequired(ushort type) => (StunAttributeType)type is
        StunAttributeType.MappedAddress or StunAttributeType.Realm or StunAttributeType.Nonce
        or StunAttributeType.MessageIntegritySha256 or StunAttributeType.UnknownAttributes;

    public bool TryGetUsername(out ReadOnlySpan<byte> username) => TryGetValue(_username, out username);

    public bool TryGetPriority(out uint priority)
    {
        priority = _priority != 0 ? BinaryPrimitives.ReadUInt32BigEndian(_message[(_priority + 4)..]) : 0;
        return _priority != 0;
    }

    public bool TryGetIceControlling(out ulong tieBreaker) => TryGetUInt64(_iceControlling, out tieBreaker);

    public bool TryGetIceControlled(out ulong tieBreaker) => TryGetUInt64(_iceControlled, out tieBreaker);

    //  0                   1                   2                   3
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |           Reserved, should be 0         |Class|     Number    |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |      Reason Phrase (variable)                                ..
    public bool TryGetErrorCode(out int code, out ReadOnlySpan<byte> reason)
    {
        code = 0;
        reason = default;
        if (!TryGetValue(_errorCode, out var value))
            return false;
        code = (value[2] & 0x7) * 100 + value[3];
        reason = value[4..];
        return true;
    }

    //  0                   1                   2                   3
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
    // +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    // |                X-Address (Variable)                            |
    // X-Port is port ^ (cookie >> 16); X-Address is XORed with the cookie (IPv4) or
    // cookie || transaction id (IPv6), RFC 8489 §14.2.
    public bool TryGetXorMappedAddress(out PacketAddress address)
    {
        address = default;
        if (!TryGetValue(_xorMappedAddress, out var value))
            return false;
        var port = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (MagicCookie >> 16));
        if (value[1] == 1 && value.Length == 8)
        {
            address = PacketAddress.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(value[4..]) ^ MagicCookie, port);
            return true;
        }
        if (value[1] == 2 && value.Length == 20)
        {
            Span<byte> bytes = stackalloc byte[16];
            // The XOR mask is bytes 4..19 of the header: cookie followed by the transaction id.
            var mask = _message.Slice(4, 16);
            for (var i = 0; i < 16; i++)
                bytes[i] = (byte)(value[4 + i] ^ mask[i]);
            address = PacketAddress.FromIPv6(bytes, port);
            return true;
        }
        return false;
    }

    // The types behind HasUnknownComprehensionRequired, for the UNKNOWN-ATTRIBUTES of a 420 response.
    public int CopyUnknownComprehensionRequired(Span<ushort> destination)
    {
        var count = 0;
        var offset = HeaderSize;
        while (offset + 4 <= _message.Length && count < destination.Length)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(_message[offset..]);
            if (type == (ushort)StunAttributeType.MessageIntegrity)
                break;
            if (type < 0x8000 && !IsKnownComprehensionRequired(type) && !IsParsed(type))
                destination[count++] = type;
            offset += 4 + ((BinaryPrimitives.ReadUInt16BigEndian(_message[(offset + 2)..]) + 3) & ~3);
        }
        return count;
    }

    private static bool IsParsed(ushort type) => (StunAttributeType)type is StunAttributeType.Username
        or StunAttributeType.XorMappedAddress or StunAttributeType.Priority or StunAttributeType.UseCandidate
        or StunAttributeType.ErrorCode or StunAttributeType.MessageIntegrity;

    public bool TryGetAttribute(StunAttributeType type, out ReadOnlySpan<byte> value)
    {
        value = default;
        var offset = HeaderSize;
        while (offset + 4 <= _message.Length)
        {
            var current = BinaryPrimitives.ReadUInt16BigEndian(_message[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(_message[(offset + 2)..]);
            if (current == (ushort)type)
            {
                value = _message.Slice(offset + 4, length);
                return true;
            }
            offset += 4 + ((length + 3) & ~3);
        }
        return false;
    }

    // RFC 8489 §14.7: CRC-32 of everything before FINGERPRINT, XORed with 0x5354554e.
    public bool VerifyFingerprint()
    {
        if (_fingerprint == 0)
            return false;
        var expected = BinaryPrimitives.ReadUInt32BigEndian(_message[(_fingerprint + 4)..]);
        return (StunCrc32.Compute(_message[.._fingerprint]) ^ FingerprintXor) == expected;
    }

    // RFC 8489 §14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY, with the header length
    // rewritten as if MESSAGE-INTEGRITY were the last attribute. The span is read-only, so the
    // covered bytes are copied (stack for normal sizes, a pooled array otherwise) to patch the length.
    // For short-term credentials (ICE) the key is the password's UTF-8 bytes (§9.1.1).
    [SkipLocalsInit] // the 1 KiB scratch copy is fully overwritten before use
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_messageIntegrity == 0)
            return false;
        int covered = _messageIntegrity;
        byte[]? rented = null;
        Span<byte> copy = covered <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(covered));
        try
        {
            _message[..covered].CopyTo(copy);
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], (ushort)(covered + 4 + MessageIntegritySize - HeaderSize));
            Span<byte> mac = stackalloc byte[MessageIntegritySize];
            HMACSHA1.HashData(key, copy[..covered], mac);
            return CryptographicOperations.FixedTimeEquals(mac, _message.Slice(covered + 4, MessageIntegritySize));
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool TryGetValue(short offset, out ReadOnlySpan<byte> value)
    {
        if (offset == 0)
        {
            value = default;
            return false;
        }
        value = _message.Slice(offset + 4, BinaryPrimitives.ReadUInt16BigEndian(_message[(offset + 2)..]));
        return true;
    }

    private bool TryGetUInt64(short offset, out ulong value)
    {
        value = offset != 0 ? BinaryPrimitives.ReadUInt64BigEndian(_message[(offset + 4)..]) : 0;
        return offset != 0;
    }
}
