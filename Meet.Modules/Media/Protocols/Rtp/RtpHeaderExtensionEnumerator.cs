namespace Meet.Modules.Media.Protocols.Rtp;

// Walks the elements of an RFC 8285 header extension block. Stops (MoveNext false) at the end or
// at the first element that would overrun the block, so malformed input never throws.
//
// One-byte form (profile 0xBEDE), §4.2:     Two-byte form (profile 0x100X), §4.3:
//  0 1 2 3 4 5 6 7                           0                   1
// +-+-+-+-+-+-+-+-+                          0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
// |  ID   |  len  | data (len+1 bytes)      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// +-+-+-+-+-+-+-+-+                          |       ID      |     length    | data (length bytes)
// ID 0 is a padding byte, ID 15 ends the block.  ID 0 is a padding byte.
public ref struct RtpHeaderExtensionEnumerator
{
    private readonly ReadOnlySpan<byte> _block;
    private readonly bool _twoByte;
    private int _next;

    internal RtpHeaderExtensionEnumerator(ReadOnlySpan<byte> block, bool twoByte)
    {
        _block = block;
        _twoByte = twoByte;
        _next = 0;
        CurrentId = 0;
        CurrentValueOffset = 0;
        CurrentValue = default;
    }

    public int CurrentId { get; private set; }

    public ReadOnlySpan<byte> CurrentValue { get; private set; }

    // Offset of CurrentValue within the extension block.
    public int CurrentValueOffset { get; private set; }

    public bool MoveNext()
    {
        while (_next < _block.Length)
        {
            var id = _twoByte ? _block[_next] : _block[_next] >> 4;
            if (id == 0)
            {
                _next++;
                continue;
            }
            if (!_twoByte && id == 15)
                break;
            int length;
            int valueOffset;
            if (_twoByte)
            {
                if (_next + 2 > _block.Length)
                    break;
                length = _block[_next + 1];
                valueOffset = _next + 2;
            }
            else
            {
                length = (_block[_next] & 0x0F) + 1;
                valueOffset = _next + 1;
            }
            if (valueOffset + length > _block.Length)
                break;
            CurrentId = id;
            CurrentValueOffset = valueOffset;
            CurrentValue = _block.Slice(valueOffset, length);
            _next = valueOffset + length;
            return true;
        }
        _next = _block.Length;
        CurrentId = 0;
        CurrentValue = default;
        return false;
    }
}
