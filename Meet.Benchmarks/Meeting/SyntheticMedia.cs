using System.Buffers.Binary;
using System.Diagnostics;

namespace Meet.Benchmarks.Meeting;

// What synthetic publishers put in their RTP payloads. Every payload ends with a 12-byte trailer —
// send time (Stopwatch ticks; publishers and subscribers share this process, so the same clock),
// publisher number and kind — which the SFU forwards untouched: the subscriber reads one-way latency
// and the stream's origin from it, whatever SSRC and sequence numbers the SFU rewrote.
internal static class SyntheticMedia
{
    public const int TrailerSize = 12;
    public const byte VideoKind = 1;
    public const byte AudioKind = 2;
    public const int MaxPayloadSize = 1_200;
    private const byte Magic = 0x4d;

    public static void WriteTrailer(Span<byte> payload, int publisher, byte kind)
    {
        var trailer = payload[^TrailerSize..];
        BinaryPrimitives.WriteInt64LittleEndian(trailer, Stopwatch.GetTimestamp());
        BinaryPrimitives.WriteUInt16LittleEndian(trailer[8..], (ushort)publisher);
        trailer[10] = kind;
        trailer[11] = Magic;
    }

    public static bool TryReadTrailer(ReadOnlySpan<byte> payload, out long sentTicks, out int publisher, out byte kind)
    {
        sentTicks = 0;
        publisher = 0;
        kind = 0;
        if (payload.Length < TrailerSize || payload[^1] != Magic)
            return false;
        var trailer = payload[^TrailerSize..];
        sentTicks = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        publisher = BinaryPrimitives.ReadUInt16LittleEndian(trailer[8..]);
        kind = trailer[10];
        return kind is VideoKind or AudioKind;
    }

    // RFC 7741 §4.2 descriptor (1 byte: S=1 on a frame's first packet, PID 0), then on the first packet
    // the VP8 frame header (RFC 6386 §9.1: 3-byte tag with P=0 for a keyframe, start code 9d 01 2a and
    // the layer's size), filler, trailer.
    public static int WriteVideoPayload(Span<byte> destination, int frameLength, int packetIndex, bool keyframe, int publisher,
        int width = 1280, int height = 720)
    {
        var chunk = MaxPayloadSize - 1;
        var remaining = frameLength - packetIndex * chunk;
        var length = Math.Min(chunk, remaining) + 1;
        var payload = destination[..length];
        payload[1..].Fill(0x5a);
        payload[0] = packetIndex == 0 ? (byte)0x10 : (byte)0x00;
        if (packetIndex == 0)
        {
            // Frame tag: bit 0 P (0 = keyframe), bits 1-3 version 0, bit 4 show_frame, then the size of
            // the first partition (any plausible value: nothing decodes these frames).
            var tag = (keyframe ? 0 : 1) | 0x10 | (Math.Min(frameLength, 0x7ffff) << 5);
            payload[1] = (byte)tag;
            payload[2] = (byte)(tag >> 8);
            payload[3] = (byte)(tag >> 16);
            if (keyframe)
            {
                payload[4] = 0x9d;
                payload[5] = 0x01;
                payload[6] = 0x2a;
                BinaryPrimitives.WriteUInt16LittleEndian(payload[7..], (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(payload[9..], (ushort)height);
            }
        }
        WriteTrailer(payload, publisher, VideoKind);
        return length;
    }

    public static int GetVideoPacketCount(int frameLength) => Math.Max(1, (frameLength + MaxPayloadSize - 2) / (MaxPayloadSize - 1));

    // An Opus frame of the given size: TOC byte (config 31 = CELT FB 20 ms, mono) then filler, trailer.
    public static int WriteAudioPayload(Span<byte> destination, int length, int publisher)
    {
        var payload = destination[..length];
        payload.Fill(0xa5);
        payload[0] = 31 << 3;
        WriteTrailer(payload, publisher, AudioKind);
        return length;
    }
}
