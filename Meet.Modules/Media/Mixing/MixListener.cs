using System.Security.Cryptography;
using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtcp;
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
    private long _lastFrameIndex = -1;

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

    // contributors: the SSRCs of the speakers in this mix, its CSRC list (RFC 3550 §7.1).
    public bool Send(MixOutput output, long frameIndex, MediaSender sender, ReadOnlySpan<uint> contributors = default)
    {
        var payload = output.Encoded;
        if (payload.IsEmpty)
            return false;
        Span<byte> packet = stackalloc byte[RtpHeader.FixedSize + 4 * AudioMixer.Speakers + 12 + MixFormat.MaxEncodedBytes];
        var timestamp = RtpTimestampOf(frameIndex);
        // RFC 3551 §4.1: the marker opens a talkspurt; here, the listener's first packet.
        var writer = new RtpPacketWriter(packet, PayloadType, _sequence, timestamp, Ssrc, marker: !_started);
        foreach (var csrc in contributors)
            writer.AddCsrc(csrc);
        if (AudioLevelExtensionId != 0)
        {
            Span<byte> level = stackalloc byte[AudioLevelExtension.Size];
            AudioLevelExtension.TryWrite(output.Voiced, output.Level, level, out _);
            writer.AddExtension(AudioLevelExtensionId, level);
        }
        // The transport-wide sequence number's place (the mix m-section offers transport-cc like every
        // other): the listener's transport stamps it as it sends, so the subscriber's transport-cc
        // feedback covers the mix too and its downlink estimate sees the audio it carries.
        writer.AddExtension(TransportSequenceStamper.SubscriberExtensionId, [0, 0]);
        if (!writer.TryComplete(payload, 0, out var written) || !Sink.SendRtpPacket(packet[..written], sender))
            return false;
        _started = true;
        _sequence++;
        PacketsSent++;
        OctetsSent += payload.Length;
        _lastFrameIndex = frameIndex;
        return true;
    }

    // The RTP timestamp of this listener's packet for the mixer's frame frameIndex (AudioMixer.FrameIndex).
    public uint RtpTimestampOf(long frameIndex) => unchecked(_timestampBase + (uint)(frameIndex * MixFormat.FrameSamples));

    // RFC 3550 §6.4.1: the wallclock now against the RTP timestamp of the frame just sent (sent this
    // instant by the same worker), so the receiver can place the mix on its clock (lip sync, jitter,
    // RTT from its receiver reports); counts are of payload octets (§6.4.1). Nothing before the first packet.
    public bool SendSenderReport(long frameIndex, MediaSender sender)
    {
        if (!_started || _lastFrameIndex != frameIndex)
            return false;
        Span<byte> buffer = stackalloc byte[RtcpHeader.Size + 24];
        var report = new RtcpSenderReport(Ssrc, NtpClock.Now(), RtpTimestampOf(frameIndex), unchecked((uint)PacketsSent), unchecked((uint)OctetsSent), []);
        return report.TryWrite(buffer, out var written) && Sink.SendRtcp(buffer[..written], sender);
    }
}
