using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Meet.Modules.Media.Protocols.Rtp;

// Builds an RTP packet front to back into a caller buffer: fixed header, CSRCs, RFC 8285 extension
// elements, payload, padding. A builder because the extension block's length is only known after
// its last element; overflow is sticky and reported once by TryComplete, like StunMessageWriter.
public ref struct RtpPacketWriter
{
    private readonly Span<byte> _buffer;
    private readonly bool _twoByteExtensions;
    private int _length;
    private int _extensionHeader; // offset of the 4-byte extension header, 0 until the first element
    private bool _overflow;

    public RtpPacketWriter(Span<byte> buffer, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        bool marker = false, bool twoByteExtensions = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        _buffer = buffer;
        _twoByteExtensions = twoByteExtensions;
        if (buffer.Length < RtpHeader.FixedSize)
        {
            _overflow = true;
            return;
        }
        buffer[0] = 0x80;
        buffer[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], ssrc);
        _length = RtpHeader.FixedSize;
    }

    public void AddCsrc(uint csrc)
    {
        if (_overflow)
            return;
        if (_extensionHeader != 0 || (_buffer[0] & 0x0F) == 15)
            ThrowInvalid("CSRCs (at most 15) must be added before any header extension.");
        if (!Fits(4))
            return;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_length..], csrc);
        _length += 4;
        _buffer[0]++;
    }

    // RFC 8285 §4.2: one-byte elements carry IDs 1..14 and 1..16 bytes; §4.3: two-byte elements
    // carry IDs 1..255 and 0..255 bytes.
    public void AddExtension(int id, scoped ReadOnlySpan<byte> value)
    {
        if (_twoByteExtensions ? id is < 1 or > 255 || value.Length > 255 : id is < 1 or > 14 || value.Length is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(id), id, "Extension id or length does not fit the chosen RFC 8285 form.");
        if (_overflow)
            return;
        if (_extensionHeader == 0)
        {
            if (!Fits(4))
                return;
            _extensionHeader = _length;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[_length..],
                _twoByteExtensions ? RtpHeader.TwoByteExtensionProfile : RtpHeader.OneByteExtensionProfile);
            _length += 4;
            _buffer[0] |= 0x10;
        }
        var elementHeader = _twoByteExtensions ? 2 : 1;
        if (!Fits(elementHeader + value.Length))
            return;
        if (_twoByteExtensions)
        {
            _buffer[_length] = (byte)id;
            _buffer[_length + 1] = (byte)value.Length;
        }
        else
        {
            _buffer[_length] = (byte)((id << 4) | (value.Length - 1));
        }
        value.CopyTo(_buffer[(_length + elementHeader)..]);
        _length += elementHeader + value.Length;
    }

    // paddingLength 0 for none, else 1..255 bytes including the count byte (RFC 3550 §5.1).
    public bool TryComplete(scoped ReadOnlySpan<byte> payload, int paddingLength, out int written)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingLength, 255);
        written = 0;
        if (_overflow)
            return false;
        if (_extensionHeader != 0)
        {
            // Zero bytes pad the block to 32 bits; they read as one-byte/two-byte padding (ID 0).
            var blockLength = _length - _extensionHeader - 4;
            var padded = (blockLength + 3) & ~3;
            if (!Fits(padded - blockLength))
                return false;
            _buffer.Slice(_length, padded - blockLength).Clear();
            _length += padded - blockLength;
            BinaryPrimitives.WriteUInt16BigEndian(_buffer[(_extensionHeader + 2)..], (ushort)(padded / 4));
        }
        if (!Fits(payload.Length + paddingLength))
            return false;
        payload.CopyTo(_buffer[_length..]);
        _length += payload.Length;
        if (paddingLength > 0)
        {
            _buffer.Slice(_length, paddingLength - 1).Clear();
            _length += paddingLength;
            _buffer[_length - 1] = (byte)paddingLength;
            _buffer[0] |= 0x20;
        }
        written = _length;
        return true;
    }

    private bool Fits(int count)
    {
        if (_buffer.Length - _length >= count)
            return true;
        _overflow = true;
        return false;
    }

    [DoesNotReturn]
    private static void ThrowInvalid(string message) => throw new InvalidOperationException(message);
}
