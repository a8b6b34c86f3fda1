using System.Buffers.Binary;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;

namespace Meet.Tests.Client.Conference;

// A .NET client that publishes a microphone (with RFC 6464 audio levels) and optionally a camera, and
// sends them live: a 20 ms Opus-sized packet per tick at the current Level, and a synthetic VP8 frame
// every third tick. Keyframes go out only when the SFU asks (PLI/FIR) and on the first frame, so a
// subscriber that sees a keyframe first after a resume saw the SFU's keyframe logic work, not luck.
internal sealed class TalkingBot(MeetClient client, ClientPeerConnection publisher, uint audioSsrc, uint? videoSsrc)
{
    public const byte Silence = 127;
    public const byte Speech = 20;

    private ushort _audioSequence;
    private ushort _videoSequence;
    private uint _frames;
    private int _keyFrameRequested = 1;

    public MeetClient Client { get; } = client;

    public string Id => Client.ParticipantId!;

    // -dBov of the next audio packets (0 loudest, 127 silence).
    public byte Level { get; set; } = Silence;

    public static async Task<TalkingBot> JoinAndPublishAsync(MeetClient client, string meetingId, string name, uint ssrcBase, bool camera)
    {
        await client.JoinAsync(meetingId, name, userId: "usr_" + name.Replace(' ', '_'));
        var tracks = new List<ClientMediaTrack> { ClientMediaTrack.Opus(client.ParticipantId!, "mic", ssrcBase) };
        if (camera)
            tracks.Add(ClientMediaTrack.Vp8(client.ParticipantId!, "cam", ssrcBase + 1));
        var publisher = await client.PublishAsync(tracks);
        var bot = new TalkingBot(client, publisher, ssrcBase, camera ? ssrcBase + 1 : null);
        publisher.RtcpReceived += bot.OnRtcp;
        return bot;
    }

    public void SendTick(int tick)
    {
        publisher.SendRtp(audioSsrc, 111, _audioSequence++, (uint)tick * 960, false, Tagged(new byte[60], audioSsrc), Level);
        if (videoSsrc is not { } ssrc || tick % 3 != 0)
            return;
        var keyFrame = Interlocked.Exchange(ref _keyFrameRequested, 0) == 1;
        publisher.SendRtp(ssrc, 96, _videoSequence++, _frames++ * 6000, true, Tagged(Vp8Frame(keyFrame), ssrc));
    }

    public uint AudioTag => audioSsrc;

    public uint? VideoTag => videoSsrc;

    // The payload's last 4 bytes name the sending track (its publisher SSRC), so a subscriber can tell
    // whose packet it holds without relying on when the slot assignment arrived (ReceivedStreams).
    private static byte[] Tagged(byte[] payload, uint tag)
    {
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(payload.Length - 4), tag);
        return payload;
    }

    // One-packet VP8 frame (RFC 7741): descriptor with S=1, then the frame tag whose P bit is 0 on a
    // keyframe, and on a keyframe the start code and a 320x240 size (RFC 6386 §9.1).
    private static byte[] Vp8Frame(bool keyFrame)
    {
        var payload = new byte[200];
        payload[0] = 0x10;
        payload[1] = keyFrame ? (byte)0x10 : (byte)0x11;
        if (keyFrame)
        {
            payload[4] = 0x9d;
            payload[5] = 0x01;
            payload[6] = 0x2a;
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(7), 320);
            BinaryPrimitives.WriteUInt16LittleEndian(payload.AsSpan(9), 240);
        }
        return payload;
    }

    // PLI (RFC 4585 PSFB FMT 1) or FIR (RFC 5104 FMT 4) anywhere in the compound: next frame is a keyframe.
    private void OnRtcp(ReadOnlySpan<byte> compound)
    {
        var offset = 0;
        while (offset + 4 <= compound.Length)
        {
            var format = compound[offset] & 0x1F;
            if (compound[offset + 1] == 206 && format is 1 or 4)
                Volatile.Write(ref _keyFrameRequested, 1);
            offset += (BinaryPrimitives.ReadUInt16BigEndian(compound[(offset + 2)..]) + 1) * 4;
        }
    }
}
