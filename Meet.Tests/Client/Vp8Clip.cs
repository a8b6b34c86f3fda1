using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Tests.Support;

namespace Meet.Tests.Client;

// A real VP8 stream for the publish tests: encoded by ffmpeg (libvpx) at test time, carried in RTP as
// RFC 7741 describes, reassembled on the receiving side and decoded by ffmpeg again.
internal static class Vp8Clip
{
    public const int Width = 320;
    public const int Height = 240;
    public const int FramesPerSecond = 15;

    public static async Task<IReadOnlyList<byte[]>> EncodeAsync(string directory, int frames)
    {
        var path = Path.Combine(directory, "clip.ivf");
        await ProcessRunner.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", $"testsrc=size={Width}x{Height}:rate={FramesPerSecond}", "-frames:v", frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libvpx", "-b:v", "300k", "-g", "10", "-deadline", "realtime", "-f", "ivf", path);
        return ReadIvf(await File.ReadAllBytesAsync(path));
    }

    // IVF: 32-byte file header ("DKIF"), then per frame a 12-byte header (size LE32, pts LE64) and the frame.
    public static IReadOnlyList<byte[]> ReadIvf(ReadOnlySpan<byte> file)
    {
        var frames = new List<byte[]>();
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(file[6..]);
        while (offset + 12 <= file.Length)
        {
            var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(file[offset..]);
            frames.Add(file.Slice(offset + 12, size).ToArray());
            offset += 12 + size;
        }
        return frames;
    }

    public static byte[] WriteIvf(IReadOnlyList<byte[]> frames)
    {
        using var stream = new MemoryStream();
        Span<byte> header = stackalloc byte[32];
        "DKIF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 32);
        "VP80"u8.CopyTo(header[8..]);
        BinaryPrimitives.WriteUInt16LittleEndian(header[12..], Width);
        BinaryPrimitives.WriteUInt16LittleEndian(header[14..], Height);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], FramesPerSecond);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)frames.Count);
        stream.Write(header);
        Span<byte> frameHeader = stackalloc byte[12];
        for (var i = 0; i < frames.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frameHeader, (uint)frames[i].Length);
            BinaryPrimitives.WriteUInt64LittleEndian(frameHeader[4..], (ulong)i);
            stream.Write(frameHeader);
            stream.Write(frames[i]);
        }
        return stream.ToArray();
    }

    // RFC 7741 §4.2: a one-byte payload descriptor, S=1 on the first packet of the frame (partition 0).
    public static IEnumerable<byte[]> Packetize(byte[] frame, int maxPayload = 1100)
    {
        for (var offset = 0; offset < frame.Length; offset += maxPayload)
        {
            var chunk = Math.Min(maxPayload, frame.Length - offset);
            var payload = new byte[chunk + 1];
            payload[0] = offset == 0 ? (byte)0x10 : (byte)0x00;
            frame.AsSpan(offset, chunk).CopyTo(payload.AsSpan(1));
            yield return payload;
        }
    }

    // Reassembles frames from RTP packets in arrival order (loopback keeps order); a frame with a gap
    // in its sequence numbers is dropped, as a decoder would have to.
    public static IReadOnlyList<byte[]> Reassemble(IEnumerable<byte[]> packets)
    {
        var frames = new List<byte[]>();
        List<byte>? current = null;
        ushort expected = 0;
        foreach (var packet in packets)
        {
            if (!RtpHeader.TryParse(packet, out var header))
                continue;
            var payload = header.GetPayload(packet);
            if (!Vp8PayloadDescriptor.TryParse(payload, out var descriptor))
                continue;
            if (descriptor.StartsFrame)
                current = [];
            else if (current is not null && header.SequenceNumber != expected)
                current = null;
            if (current is null)
                continue;
            current.AddRange(payload[descriptor.Length..].ToArray());
            expected = (ushort)(header.SequenceNumber + 1);
            if (header.Marker)
            {
                frames.Add([.. current]);
                current = null;
            }
        }
        return frames;
    }

    // Decodes with ffmpeg and returns how many frames came out.
    public static async Task<int> DecodeAsync(string directory, IReadOnlyList<byte[]> frames)
    {
        var path = Path.Combine(directory, "received.ivf");
        await File.WriteAllBytesAsync(path, WriteIvf(frames));
        var output = await ProcessRunner.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", path, "-f", "framecrc", "-");
        return output.Split('\n').Count(line => line.Length > 0 && !line.StartsWith('#'));
    }
}
