using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;

namespace Meet.Modules.Media.Internal;

// The signaling side of one participant's media: it negotiates the SDP of its two PeerConnections
// (publisher: the client offers; subscriber: the server offers as slots change) and reports their
// connection state. Media never passes through here: the transports hand packets to the router's
// RtpListener and ConsumerFeedbackListener (docs/sfu.md). State is guarded by the meeting's router lock.
internal sealed partial class MediaParticipant : IMediaParticipant, IWebRtcTransportListener, IRouterMemberListener
{
    private readonly MediaModule _module;
    private readonly IMediaParticipantListener _listener;
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
            Downlink = new Bandwidth.SubscriberDownlink(module.NackRttLimit, module.Counters.Adaptive),
        };
        Negotiation = new SubscriberNegotiation(module.Time, module.SubscriberAnswerTimeout);
    }

    public string ParticipantId { get; }

    public string DisplayName { get; }

    public Router Router { get; }

    // Set once by MediaModule.AddParticipant, under the router's lock, before anyone else sees this.
    public RouterMember Member { get; set; } = null!;

    public WebRtcTransport Publisher { get; }

    public WebRtcTransport Subscriber { get; }

    public bool IsClosed => _closed;

    public IEnumerable<Producer> Producers => Member.Publishing.Producers;

    public int TransportCount => _closed ? 0 : 2;

    public int ConsumerCount => Member.Subscribing.ConsumerCount;

    public IEnumerable<Consumer> Consumers => Member.Subscribing.Consumers;

    public void OnTransportStateChanged(WebRtcTransport transport, MediaConnectionState state)
    {
        MediaConnectionState aggregate;
        using (Router.Enter())
        {
            if (_closed)
                return;
            // Consumers created before the subscriber connected need a keyframe now.
            if (state == MediaConnectionState.Connected && transport == Subscriber)
                Member.Subscribing.RequestKeyFrames(_module.Sender);
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
        using (Router.Enter())
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

    // Host mute (issue 13): the publisher's RtpListener drops its audio from the next packet on.
    public void HoldAudio(bool held) => Member.Publishing.AudioHeld = held;

    // The client's own last-N (a small window, a phone): at most this many videos, at least 0.
    public SdpNegotiationResult SetMaxVideos(int maxVideos)
    {
        if (maxVideos < 0)
            return SdpNegotiationResult.Failure(400, "The number of videos must not be negative.");
        using (Router.Enter())
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            Router.SetMaxVideos(Member, maxVideos);
        }
        return SdpNegotiationResult.Success(null);
    }

    // Pinned participants always count among this subscriber's videos (issue 10). At most its video
    // limit (409 pin_limit beyond it), never itself (400), only participants of the meeting (404);
    // an empty list unpins everyone. A pinned participant without a camera takes no slot until it has one.
    public SdpNegotiationResult SetPinned(IReadOnlyList<string> participantIds)
    {
        ArgumentNullException.ThrowIfNull(participantIds);
        var pins = participantIds.Distinct(StringComparer.Ordinal).ToArray();
        if (pins.Contains(ParticipantId, StringComparer.Ordinal))
            return SdpNegotiationResult.Failure(400, "A participant cannot pin itself.");
        using (Router.Enter())
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            var limit = Member.Subscribing.VideoLimit;
            if (pins.Length > limit)
                return SdpNegotiationResult.Failure(409, $"pin_limit: at most {limit} pinned participant(s), one per video slot (asked for {pins.Length}).");
            if (pins.FirstOrDefault(id => !Router.Members.Any(m => m.ParticipantId == id)) is { } unknown)
                return SdpNegotiationResult.Failure(404, $"Participant '{unknown}' is not in this meeting.");
            Router.SetPinned(Member, pins);
        }
        return SdpNegotiationResult.Success(null);
    }

    // A host's run-time change of how many screen shares the meeting allows at once (signaling checks
    // the role); 1 to MaxScreenSharesLimit.
    public SdpNegotiationResult SetMaxScreenShares(int maxShares)
    {
        if (maxShares is < 1 or > MaxScreenSharesLimit)
            return SdpNegotiationResult.Failure(400, $"The number of screen shares must be between 1 and {MaxScreenSharesLimit} (was {maxShares}).");
        using (Router.Enter())
        {
            if (_closed)
                return SdpNegotiationResult.Failure(410, "The participant has left.");
            Router.SetMaxScreenShares(maxShares);
        }
        return SdpNegotiationResult.Success(null);
    }

    // Every share is a slot in every subscriber's PeerConnection: a meeting needs only a few.
    public const int MaxScreenSharesLimit = 8;

    public void OnSlotsChanged() => Negotiation.MarkChanged();

    public void OnRenegotiationDue() => DeliverSubscriberOffer();

    public void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots)
    {
        if (!_closed)
            _listener.OnSlotAssignments(slots);
    }

    public void OnActiveSpeakerChanged(ActiveSpeakerUpdate update)
    {
        if (!_closed)
            _listener.OnActiveSpeakerChanged(update);
    }

    // The module's tick: negotiation timeouts and retries, and consent freshness about once a second.
    public void OnTick(bool reports)
    {
        CheckNegotiation();
        if (!reports || _closed)
            return;
        Publisher.CheckConsent();
        Subscriber.CheckConsent();
    }

    public ValueTask DisposeAsync()
    {
        using (Router.Enter())
        {
            if (_closed)
                return ValueTask.CompletedTask;
            _closed = true;
            Negotiation.Close();
            Router.Leave(Member);
            _module.Forget(this);
        }
        Publisher.Dispose();
        Subscriber.Dispose();
        _listener.OnConnectionStateChanged(MediaConnectionState.Closed);
        return ValueTask.CompletedTask;
    }
}
