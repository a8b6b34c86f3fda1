using System.Security.Cryptography;

namespace Meet.Modules.Media.Routing;

// What a subscriber sees of one receive slot: its SSRCs and where its sequence numbers and
// timestamps stand. It outlives the consumers that feed it, so a slot remapped to another publisher
// continues at last+1 with the timestamp advanced by the gap (one stream to the decoder, no SDP change).
internal sealed class OutgoingStream
{
    public OutgoingStream()
    {
        Ssrc = RandomSsrc();
        RtxSsrc = RandomSsrc();
        _rtxSequence = RandomNumberGenerator.GetInt32(0, 0x8000);
        // RFC 3550 §5.1: initial sequence number and timestamp are random.
        LastSequenceOut = (ushort)RandomNumberGenerator.GetInt32(0, 0x8000);
        LastTimestampOut = (uint)RandomNumberGenerator.GetInt32(0, int.MaxValue);
    }

    public uint Ssrc { get; }

    public uint RtxSsrc { get; }

    // The subscriber's answer accepted `audio/red` for this m-section (issue 11): RED from the publisher
    // goes out as it came; otherwise only its primary Opus block. Set when an answer is accepted.
    public volatile bool RedAccepted;

    // Retransmissions (receive threads) and probe padding (the pacer) share the RTX stream's numbering.
    private int _rtxSequence;

    public ushort NextRtxSequence() => (ushort)(Interlocked.Increment(ref _rtxSequence) - 1);

    public ushort LastSequenceOut;

    public uint LastTimestampOut;

    public long LastSendTimestamp;

    public long PacketsSent;

    public long OctetsSent;

    private static uint RandomSsrc()
    {
        Span<byte> bytes = stackalloc byte[4];
        RandomNumberGenerator.Fill(bytes);
        var ssrc = BitConverter.ToUInt32(bytes);
        return ssrc <= Producer.RtcpSenderSsrc ? ssrc + 2 : ssrc;
    }
}
