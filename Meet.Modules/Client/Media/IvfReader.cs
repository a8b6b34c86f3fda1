using System.Buffers.Binary;

namespace Meet.Modules.Client.Media;

// IVF, the container libvpx and ffmpeg write VP8/VP9 into (no RFC; layout from libvpx ivfdec.c):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     signature "DKIF"                          |
// |         version (0)           |     header length (32)        |
// |                 codec FourCC ("VP80")                         |
// |            width              |            height             |
// |                     timebase denominator                      |
// |                     timebase numerator                        |
// |                     frame count                               |
// |                     unused                                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// then per frame: size (4, LE), timestamp (8, LE), size bytes of frame. All fields little-endian.
public sealed class IvfReader
{
    public const int FileHeaderSize = 32;
    public const int FrameHeaderSize = 12;

    private IvfReader(string fourCc, int width, int height, int timebaseDenominator, int timebaseNumerator, IReadOnlyList<IvfFrame> frames)
    {
        FourCc = fourCc;
        Width = width;
        Height = height;
        TimebaseDenominator = timebaseDenominator;
        TimebaseNumerator = timebaseNumerator;
        Frames = frames;
    }

    public string FourCc { get; }

    public int Width { get; }

    public int Height { get; }

    public int TimebaseDenominator { get; }

    public int TimebaseNumerator { get; }

    public IReadOnlyList<IvfFrame> Frames { get; }

    // False on a wrong signature, a header length below 32 or a truncated frame (the frames before it
    // are kept only when the file is otherwise valid).
    public static bool TryParse(ReadOnlySpan<byte> file, out IvfReader reader)
    {
        reader = null!;
        if (file.Length < FileHeaderSize || !file[..4].SequenceEqual("DKIF"u8))
            return false;
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(file[6..]);
        if (headerLength < FileHeaderSize || headerLength > file.Length)
            return false;
        var fourCc = System.Text.Encoding.ASCII.GetString(file.Slice(8, 4));
        var width = BinaryPrimitives.ReadUInt16LittleEndian(file[12..]);
        var height = BinaryPrimitives.ReadUInt16LittleEndian(file[14..]);
        var denominator = BinaryPrimitives.ReadInt32LittleEndian(file[16..]);
        var numerator = BinaryPrimitives.ReadInt32LittleEndian(file[20..]);
        var frames = new List<IvfFrame>();
        var offset = (int)headerLength;
        while (offset < file.Length)
        {
            if (file.Length - offset < FrameHeaderSize)
                return false;
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[offset..]);
            var timestamp = BinaryPrimitives.ReadInt64LittleEndian(file[(offset + 4)..]);
            offset += FrameHeaderSize;
            if (size > (uint)(file.Length - offset))
                return false;
            frames.Add(new IvfFrame(timestamp, offset, (int)size));
            offset += (int)size;
        }
        reader = new IvfReader(fourCc, width, height, denominator, numerator, frames);
        return true;
    }
}
