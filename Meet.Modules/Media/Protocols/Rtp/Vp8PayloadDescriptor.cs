namespace Meet.Modules.Media.Protocols.Rtp;

// RFC 7741 §4.2 VP8 payload descriptor, followed by the VP8 payload header on the first packet
// of a frame (§4.3). Simulcast switching needs the picture id / TL0PICIDX (to rewrite them into one
// continuous sequence), the temporal layer and whether the packet starts a key frame.
//
//       0 1 2 3 4 5 6 7
//      +-+-+-+-+-+-+-+-+
//      |X|R|N|S|R| PID | (REQUIRED)
//      +-+-+-+-+-+-+-+-+
// X:   |I|L|T|K| RSV   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// I:   |M| PictureID   | (OPTIONAL, 7 bits, or 15 bits when M)
//      +-+-+-+-+-+-+-+-+
//      |   PictureID   | (if M)
//      +-+-+-+-+-+-+-+-+
// L:   |   TL0PICIDX   | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// T/K: |TID|Y| KEYIDX  | (OPTIONAL)
//      +-+-+-+-+-+-+-+-+
// then the VP8 payload header, whose first byte is |Size0|H| VER |P|: P = 0 on a key frame.
public readonly struct Vp8PayloadDescriptor
{
    private readonly byte _flags;

    private Vp8PayloadDescriptor(byte flags, int partitionIndex, int pictureId, bool pictureIdIs15Bit,
        int tl0PicIdx, int temporalLayerId, bool layerSync, int keyIndex, int length, bool isKeyFrame)
    {
        _flags = flags;
        PartitionIndex = partitionIndex;
        PictureId = pictureId;
        PictureIdIs15Bit = pictureIdIs15Bit;
        Tl0PicIdx = tl0PicIdx;
        TemporalLayerId = temporalLayerId;
        LayerSync = layerSync;
        KeyIndex = keyIndex;
        Length = length;
        IsKeyFrame = isKeyFrame;
    }

    public bool NonReference => (_flags & 0x20) != 0;

    public bool StartOfPartition => (_flags & 0x10) != 0;

    public int PartitionIndex { get; }

    // −1 when absent.
    public int PictureId { get; }

    public bool PictureIdIs15Bit { get; }

    // −1 when absent.
    public int Tl0PicIdx { get; }

    // −1 when absent.
    public int TemporalLayerId { get; }

    public bool LayerSync { get; }

    // −1 when absent.
    public int KeyIndex { get; }

    // Descriptor size; the VP8 payload starts here.
    public int Length { get; }

    // First packet of a key frame: S = 1, PID = 0 and the payload header's P bit clear.
    public bool IsKeyFrame { get; }

    public bool StartsFrame => StartOfPartition && PartitionIndex == 0;

    public static bool TryParse(ReadOnlySpan<byte> payload, out Vp8PayloadDescriptor descriptor)
    {
        descriptor = default;
        if (payload.IsEmpty)
            return false;
        var first = payload[0];
        var offset = 1;
        int pictureId = -1, tl0PicIdx = -1, tid = -1, keyIdx = -1;
        bool is15Bit = false, layerSync = false;
        if ((first & 0x80) != 0)
        {
            if (payload.Length <= offset)
                return false;
            var extended = payload[offset++];
            if ((extended & 0x80) != 0)
            {
                if (payload.Length <= offset)
                    return false;
                is15Bit = (payload[offset] & 0x80) != 0;
                if (is15Bit)
                {
                    if (payload.Length <= offset + 1)
                        return false;
                    pictureId = ((payload[offset] & 0x7F) << 8) | payload[offset + 1];
                    offset += 2;
                }
                else
                {
                    pictureId = payload[offset++] & 0x7F;
                }
            }
            if ((extended & 0x40) != 0)
            {
                if (payload.Length <= offset)
                    return false;
                tl0PicIdx = payload[offset++];
            }
            if ((extended & 0x30) != 0)
            {
                if (payload.Length <= offset)
                    return false;
                var tk = payload[offset++];
                if ((extended & 0x20) != 0)
                {
                    tid = tk >> 6;
                    layerSync = (tk & 0x20) != 0;
                }
                if ((extended & 0x10) != 0)
                    keyIdx = tk & 0x1F;
            }
        }
        var partitionIndex = first & 0x07;
        var startsFrame = (first & 0x10) != 0 && partitionIndex == 0;
        // A descriptor with nothing behind it is not a VP8 packet (§4.2: payload is at least 1 byte).
        if (payload.Length <= offset)
            return false;
        var isKeyFrame = startsFrame && (payload[offset] & 0x01) == 0;
        descriptor = new Vp8PayloadDescriptor(first, partitionIndex, pictureId, is15Bit, tl0PicIdx, tid, layerSync,
            keyIdx, offset, isKeyFrame);
        return true;
    }

    // Rewrites picture id and TL0PICIDX in place (same field sizes), for one continuous sequence
    // across simulcast switches. Fields the packet does not carry are left alone.
    public bool TryRewrite(Span<byte> payload, int pictureId, int tl0PicIdx)
    {
        if (payload.Length < Length || (payload[0] & 0x80) == 0)
            return false;
        var offset = 2;
        if (PictureId >= 0)
        {
            if (PictureIdIs15Bit)
            {
                payload[offset] = (byte)(0x80 | ((pictureId >> 8) & 0x7F));
                payload[offset + 1] = (byte)pictureId;
                offset += 2;
            }
            else
            {
                payload[offset++] = (byte)(pictureId & 0x7F);
            }
        }
        if (Tl0PicIdx >= 0)
            payload[offset] = (byte)tl0PicIdx;
        return true;
    }
}
