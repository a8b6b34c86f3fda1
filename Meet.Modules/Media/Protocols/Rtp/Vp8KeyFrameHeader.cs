using System.Buffers.Binary;

namespace Meet.Modules.Media.Protocols.Rtp;

// The start of a VP8 key frame (RFC 6386 §9.1), right after the RTP payload descriptor:
//
//   frame tag (3 bytes, bit 0 of the first = 0 on a key frame) | 9d 01 2a (start code)
//   | width: 14 bits + 2 bits horizontal scale (little-endian) | height: 14 bits + 2 bits vertical scale
//
// Read by the SFU (issue 11) to learn each simulcast layer's real resolution, which tile sizes are
// compared against.
public static class Vp8KeyFrameHeader
{
    public const int Size = 10;

    public static bool TryReadSize(ReadOnlySpan<byte> frame, out int width, out int height)
    {
        width = 0;
        height = 0;
        if (frame.Length < Size || (frame[0] & 0x01) != 0 || frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a)
            return false;
        width = BinaryPrimitives.ReadUInt16LittleEndian(frame[6..]) & 0x3FFF;
        height = BinaryPrimitives.ReadUInt16LittleEndian(frame[8..]) & 0x3FFF;
        return width > 0 && height > 0;
    }
}
