using Meet.Modules.Media.Bandwidth;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Internal;

// The media side of one participant: a publisher transport (its producers) and a subscriber transport
// (its consumers), with the SDP negotiation of both PeerConnections. Control-plane state is guarded by
// the module's Control lock; the packet path reads _ssrcTable (copy-on-write) only.
internal sealed partial class MediaParticipant : IMediaParticipant, IWebRtcTransportListener
{
    private readonly MediaModule _module;
    private readonly IMediaParticipantListener _listener;
    private readonly Dictionary<string, Producer> _producers = new(StringComparer.Ordinal);
    private readonly List<SubscriberSlot> _slots = [];
    private SsrcEntry[] _ssrcTable = [];
    private bool _closed;
    private MediaConnectionState _reportedState = MediaConnectionState.New;

    public MediaParticipant(MediaModule module, Router router, MediaParticipantRequest request, IMediaParticipantListener listener)
    {
        _module = module;
        _listener = listener;
        Router = router;
        ParticipantId = request.ParticipantId;
        DisplayName = request.DisplayName;
        Publisher = new WebRtcTransport(module.NextId("pub-"), module, this, module.Counters, module.Sender, module.Certificate, module.Time);
        Subscriber = new WebRtcTransport(module.NextId("sub-"), module, this, module.Counters, module.Sender, module.Certificate, module.Time)
        {
            Downlink = new SubscriberDownlink(module.NackRttLimit, module.Counters.Adaptive),
        };
        Negotiation = new SubscriberNegotiation(module.Time, module.SubscriberAnswerTimeout);
        PublisherFeedback = new PublisherFeedback(module.Counters.Adaptive);
    }

    // Bandwidth feedback to this participant's publisher PeerConnection (issue 11).
    public PublisherFeedback PublisherFeedback { get; }

    public string ParticipantId { get; }

    public string DisplayName { get; }

    public Router Router { get; }

    public WebRtcTransport Publisher { get; }

    public WebRtcTransport Subscriber { get; }

    public IEnumerable<Producer> Producers => _producers.Values;

    public int TransportCount => _closed ? 0 : 2;

    public int ConsumerCount => _slots.Count(s => s.Consumer is not null);

    public IEnumerable<Consumer> Consumers => _slots.Where(s => s.Consumer is not null).Select(s => s.Consumer!);

    public void OnRtp(WebRtcTransport transport, Span<byte> packet, in RtpHeader header, MediaSender sender)
    {
        if (transport != Publisher)
        {
            _module.Counters.Drop(MediaDropReason.UnknownSsrc);
            return;
        }
        PublisherFeedback.OnRtp(packet, header, System.Diagnostics.Stopwatch.GetTimestamp());
        var table = Volatile.Read(ref _ssrcTable);
        for (var i = 0; i < table.Length; i++)
        {
            if (table[i].Ssrc != header.Ssrc)
                continue;
            if (table[i].Layer >= 0)
                table[i].Producer.OnRtp(packet, header, table[i].Layer, sender);
            else if (table[i].RepairedLayer >= 0)
                table[i].Producer.OnRtx(packet, header, table[i].RepairedLayer, sender);
            return;
        }
        LearnSsrc(packet, header, sender);
    }

    public void OnTransportStateChanged(WebRtcTransport transport, MediaConnectionState state)
    {
        if (state == MediaConnectionState.Connected && transport == Subscriber)
        {
            // Consumers created before the subscriber connected need a keyframe now.
            Consumer[] consumers;
            lock (_module.Control)
                consumers = [.. Consumers];
            foreach (var consumer in consumers)
                consumer.RequestKeyFrame(_module.Sender);
            _module.Sender.Flush();
        }

        MediaConnectionState aggregate;
        lock (_module.Control)
        {
            if (_closed)
                return;
            aggregate = Aggregate(Publisher.State, Subscriber.State);
            if (aggregate == _reportedState)
                return;
            _reportedState = aggregate;
        }
        _listener.OnConnectionStateChanged(aggregate);
    }

    // Worst state wins once anything failed; otherwise the most advanced of the two PeerConnections.
    private static MediaConnectionState Aggregate(MediaConnectionState a, MediaConnectionState b)
    {
        if (a == MediaConnectionState.Failed || b == MediaConnectionState.Failed)
            return MediaConnectionState.Failed;
        if (a == MediaConnectionState.Disconnected || b == MediaConnectionState.Disconnected)
            return MediaConnectionState.Disconnected;
        if (a == MediaConnectionState.Connected || b == MediaConnectionState.Connected)
            return MediaConnectionState.Connected;
        if (a == MediaConnectionState.Connecting || b == MediaConnectionState.Connecting)
            return MediaConnectionState.Connecting;
        return MediaConnectionState.New;
    }

    public SdpNegotiationResult AddRemoteCandidate(string candidate, string? sdpMid, bool subscriberPc)
    {
        lock (_module.Control)
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
        }
        // An empty candidate is end-of-candidates (RFC 8838 §4.4). An ICE-lite server learns the peer's
        // address from its checks (RFC 8445 §2.5), so a valid candidate needs no further action.
        if (string.IsNullOrEmpty(candidate))
            return SdpNegotiationResult.Success(null);
        if (candidate.Length > 1024 || !Protocols.Sdp.SdpCandidate.TryParse(candidate, out _))
            return SdpNegotiationResult.Failure(400, "Malformed ICE candidate.");
        return SdpNegotiationResult.Success(null);
    }

    public ValueTask DisposeAsync()
    {
        List<MediaParticipant> affected;
        lock (_module.Control)
        {
            if (_closed)
                return ValueTask.CompletedTask;
            _closed = true;
            Negotiation.Close();
            affected = [];
            foreach (var producer in _producers.Values)
                CloseProducerLocked(producer, affected);
            _producers.Clear();
            Volatile.Write(ref _ssrcTable, []);
            foreach (var slot in _slots)
            {
                if (slot.Consumer is { } consumer)
                {
                    consumer.IsClosed = true;
                    consumer.Producer.RemoveConsumer(consumer);
                    slot.Consumer = null;
                }
            }
            _module.RemoveParticipantLocked(this);
            _module.ReselectLocked(Router);
        }
        // Consumers the new selection resumed asked for keyframes on this thread.
        _module.Sender.Flush();
        Publisher.Dispose();
        Subscriber.Dispose();
        foreach (var other in affected)
            other.DeliverSubscriberOffer();
        _listener.OnConnectionStateChanged(MediaConnectionState.Closed);
        return ValueTask.CompletedTask;
    }
}
