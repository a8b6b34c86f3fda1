using System.Buffers.Binary;
using System.Security.Cryptography;
using Meet.PacketEngine;

namespace Meet.Modules.Media.Protocols.Stun;

// Builds a STUN message straight into a caller buffer. A builder rather than GetSerializedSize +
// TryWrite because MESSAGE-INTEGRITY and FINGERPRINT cover the bytes written before them, so the
// message is naturally produced front to back in one pass. Overflow is sticky: the Add* calls
// become no-ops and TryComplete reports false, so callers check once.
public ref struct StunMessageWriter
{
    private readonly Span<byte> _buffer;
    private int _length;
    private bool _overflow;

    public StunMessageWriter(Span<byte> buffer, StunMessageType type, StunTransactionId transactionId)
    {
        _buffer = buffer;
        if (buffer.Length < StunMessage.HeaderSize)
        {
            _overflow = true;
            return;
        }
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], StunMessage.MagicCookie);
        transactionId.CopyTo(buffer[8..]);
        _length = StunMessage.HeaderSize;
    }

    public readonly int Length => _length;

    public void AddAttribute(StunAttributeType type, scoped ReadOnlySpan<byte> value)
    {
        var slot = Reserve(type, value.Length);
        if (!_overflow)
            value.CopyTo(slot);
    }

    public void AddUsername(scoped ReadOnlySpan<byte> username) => AddAttribute(StunAttributeType.Username, username);

    public void AddSoftware(scoped ReadOnlySpan<byte> software) => AddAttribute(StunAttributeType.Software, software);

    public void AddPriority(uint priority)
    {
        var slot = Reserve(StunAttributeType.Priority, 4);
        if (!slot.IsEmpty)
            BinaryPrimitives.WriteUInt32BigEndian(slot, priority);
    }

    public void AddUseCandidate() => Reserve(StunAttributeType.UseCandidate, 0);

    public void AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    public void AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    // RFC 8489 §14.8: class = code / 100 in 3 bits, number = code % 100.
    public void AddErrorCode(int code, scoped ReadOnlySpan<byte> reasonUtf8)
    {
        if (code is < 300 or > 699)
            throw new ArgumentOutOfRangeException(nameof(code), code, "STUN error codes are 300..699.");
        var slot = Reserve(StunAttributeType.ErrorCode, 4 + reasonUtf8.Length);
        if (slot.IsEmpty)
            return;
        slot[0] = 0;
        slot[1] = 0;
        slot[2] = (byte)(code / 100);
        slot[3] = (byte)(code % 100);
        reasonUtf8.CopyTo(slot[4..]);
    }

    // RFC 8489 §14.13: a list of 16-bit attribute types.
    public void AddUnknownAttributes(scoped ReadOnlySpan<ushort> types)
    {
        var slot = Reserve(StunAttributeType.UnknownAttributes, types.Length * 2);
        if (_overflow)
            return;
        for (var i = 0; i < types.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(slot[(i * 2)..], types[i]);
    }

    // RFC 8489 §14.2; see StunMessage.TryGetXorMappedAddress for the layout.
    public void AddXorMappedAddress(PacketAddress address)
    {
        var ipv4 = address.IsIPv4;
        var slot = Reserve(StunAttributeType.XorMappedAddress, ipv4 ? 8 : 20);
        if (slot.IsEmpty)
            return;
        slot[0] = 0;
        slot[1] = (byte)(ipv4 ? 1 : 2);
        BinaryPrimitives.WriteUInt16BigEndian(slot[2..], (ushort)(address.Port ^ (StunMessage.MagicCookie >> 16)));
        address.WriteAddressBytes(slot[4..], out var written);
        var mask = _buffer.Slice(4, 16); // cookie || transaction id
        for (var i = 0; i < written; i++)
            slot[4 + i] ^= mask[i];
    }

    // RFC 8489 §14.5: the header length must already count this attribute when the HMAC is taken.
    public void AddMessageIntegrity(scoped ReadOnlySpan<byte> key)
    {
        var covered = _length;
        var slot = Reserve(StunAttributeType.MessageIntegrity, StunMessage.MessageIntegritySize);
        if (slot.IsEmpty)
            return;
        HMACSHA1.HashData(key, _buffer[..covered], slot);
    }

    public void AddFingerprint()
    {
        var covered = _length;
        var slot = Reserve(StunAttributeType.Fingerprint, 4);
        if (slot.IsEmpty)
            return;
        BinaryPrimitives.WriteUInt32BigEndian(slot, StunCrc32.Compute(_buffer[..covered]) ^ StunMessage.FingerprintXor);
    }

    public readonly bool TryComplete(out int written)
    {
        written = _overflow ? 0 : _length;
        return !_overflow;
    }

    private void AddUInt64(StunAttributeType type, ulong value)
    {
        var slot = Reserve(type, 8);
        if (!slot.IsEmpty)
            BinaryPrimitives.WriteUInt64BigEndian(slot, value);
    }

    // Writes the attribute header, zeroes the padding, updates the message length and returns the
    // value slot (empty on overflow; a zero-length attribute also returns empty, harmlessly).
    private Span<byte> Reserve(StunAttributeType type, int valueLength)
    {
        var padded = (valueLength + 3) & ~3;
        if (_overflow || valueLength > ushort.MaxValue || _buffer.Length - _length < 4 + padded)
        {
            _overflow = true;
            return default;
        }
        var at = _length;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[at..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[(at + 2)..], (ushort)valueLength);
        _buffer.Slice(at + 4 + valueLength, padded - valueLength).Clear();
        _length = at + 4 + padded;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[2..], (ushort)(_length - StunMessage.HeaderSize));
        return _buffer.Slice(at + 4, valueLength);
    }
}
