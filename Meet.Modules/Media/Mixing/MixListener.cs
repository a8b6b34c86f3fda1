using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Mixing;

// One listener's mixed stream: one SSRC, its own sequence numbers, and timestamps derived from the
// mixer's frame clock, so the stream stays continuous when the listener moves between the full mix and
// its minus-one mix (when it starts or stops being a top-3 speaker) and across skipped frames.
internal sealed class MixListener
{
    // The msid stream id of the mix m-section; participant ids are GUIDs, so it never names one.
    public const string StreamId = "meet-mix";

    private readonly uint _timestampBase;
    private ushort _sequence;
    private bool _started;

    public MixListener(string participantId, IMixedAudioSink sink, string mid, byte payloadType, int audioLevelExtensionId)
    {
        ParticipantId = participantId;
        Sink = sink;
        Mid = mid;
        PayloadType = payloadType;
        AudioLevelExtensionId = audioLevelExtensionId;
        Ssrc = (uint)RandomNumberGenerator.GetInt32(2, int.MaxValue);
        // RFC 3550 §5.1: random initial sequence number and timestamp.
        _sequence = (ushort)RandomNumberGenerator.GetInt32(0, 0x8000);
        _timestampBase = (uint)RandomNumberGenerator.GetInt32(0, int.MaxValue);
    }

    public string ParticipantId { get; }

    public IMixedAudioSink Sink { get; }

    public string Mid { get; }

    public byte PayloadType { get; }

    public int AudioLevelExtensionId { get; }

    public uint Ssrc { get; }

    public long PacketsSent { get; private set; }

    public long OctetsSent { get; private set; }

    public bool Send(MixOutput output, long frameIndex, MediaSender sender)
    {
        var payload = output.Encoded;
        if (payload.IsEmpty)
            return false;
        Span<byte> packet = stackalloc byte[RtpHeader.FixedSize + 8 + MixFormat.MaxEncodedBytes];
        var timestamp = unchecked(_timestampBase + (uint)(frameIndex * MixFormat.FrameSamples));
        // RFC 3551 §4.1: the marker opens a talkspurt; here, the listener's first packet.
        var writer = new RtpPacketWriter(packet, PayloadType, _sequence, timestamp, Ssrc, marker: !_started);
        if (AudioLevelExtensionId != 0)
        {
            Span<byte> level = stackalloc byte[AudioLevelExtension.Size];
            AudioLevelExtension.TryWrite(output.Voiced, output.Level, level, out _);
            writer.AddExtension(AudioLevelExtensionId, level);
        }
        if (!writer.TryComplete(payload, 0, out var written) || !Sink.SendRtpPacket(packet[..written], sender))
            return false;
        _started = true;
        _sequence++;
        PacketsSent++;
        OctetsSent += payload.Length;
        return true;
    }
}
