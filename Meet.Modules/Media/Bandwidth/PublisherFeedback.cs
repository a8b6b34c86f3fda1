using System.Diagnostics;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Bandwidth;

// Bandwidth feedback to one publisher PeerConnection (issue 11): transport-cc feedback every tick when
// the transport-wide sequence extension is negotiated, otherwise a REMB once a second where goog-remb is.
// Chrome's estimator needs one of them to raise its rate above the lowest simulcast layer.
internal sealed class PublisherFeedback
{
    // The REMB fallback carries no receive-side estimate (that needs abs-send-time and an arrival-time
    // filter): it states the most this SFU wants from one publisher, above the seed's 2.2 Mbps uplink
    // (three layers + audio), so Chrome's own loss-based controller decides within it.
    public const ulong RembBitrate = 3_000_000;

    private static readonly long RembInterval = Stopwatch.Frequency;
    private static readonly double MicrosecondsPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly TransportFeedbackGenerator _generator = new();
    private readonly AdaptiveMediaCounters _counters;
    private volatile int _transportCcExtensionId;
    private volatile bool _remb;
    private long _lastRemb;

    public PublisherFeedback(AdaptiveMediaCounters counters) => _counters = counters;

    public TransportFeedbackGenerator Generator => _generator;

    public int TransportCcExtensionId => _transportCcExtensionId;

    // From the publisher's answer: the extension id (0 = not negotiated) and whether goog-remb was.
    public void Configure(int transportCcExtensionId, bool remb)
    {
        _transportCcExtensionId = transportCcExtensionId;
        _remb = remb;
    }

    // Packet path: every RTP packet of the transport, RTX and padding included (the sender's estimator
    // counts them all).
    public void OnRtp(ReadOnlySpan<byte> packet, in RtpHeader header, long now)
    {
        var id = _transportCcExtensionId;
        if (id == 0 || !header.TryGetExtension(packet, id, out var value) || !TransportWideSequenceExtension.TryRead(value, out var sequence))
            return;
        _generator.OnPacket(sequence, header.Ssrc, (long)(now * MicrosecondsPerTick));
    }

    public void OnTick(WebRtcTransport transport, ReadOnlySpan<uint> mediaSsrcs, MediaSender sender)
    {
        Span<byte> buffer = stackalloc byte[TransportFeedbackGenerator.MaxFeedbackSize];
        // A few packets at most per tick: a burst beyond that is reported at the next one.
        for (var i = 0; i < 8; i++)
        {
            var written = _generator.WriteFeedback(Routing.Producer.RtcpSenderSsrc, buffer);
            if (written == 0)
                break;
            if (transport.SendRtcp(buffer[..written], sender))
                _counters.TransportFeedback();
        }
        var now = Stopwatch.GetTimestamp();
        if (!_remb || _transportCcExtensionId != 0 || mediaSsrcs.IsEmpty || now - _lastRemb < RembInterval)
            return;
        _lastRemb = now;
        var remb = new RtcpRemb(Routing.Producer.RtcpSenderSsrc, RembBitrate, mediaSsrcs[..Math.Min(mediaSsrcs.Length, 255)]);
        if (remb.TryWrite(buffer, out var rembLength) && transport.SendRtcp(buffer[..rembLength], sender))
            _counters.Remb();
    }
}
