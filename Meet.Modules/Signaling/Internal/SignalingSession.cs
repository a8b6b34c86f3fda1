using System.Threading.RateLimiting;
using Meet.Modules.Media;

namespace Meet.Modules.Signaling.Internal;

// One participant's signaling state machine; both transports drive the same object.
internal sealed class SignalingSession : IMediaParticipantListener
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly TokenBucketRateLimiter rateLimiter;
    private long lastSeenTimestamp;
    private MediaConnectionState mediaState = MediaConnectionState.New;
    private bool signalingStale;

    public SignalingSession(string meetingId, string participantId, string displayName, string role, bool audioMuted, ISignalingPeer peer, TimeProvider time, SignalingOptions options)
    {
        MeetingId = meetingId;
        ParticipantId = participantId;
        DisplayName = displayName;
        Role = role;
        AudioMuted = audioMuted;
        Peer = peer;
        this.time = time;
        lastSeenTimestamp = time.GetTimestamp();
        rateLimiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.MessageBurst,
            TokensPerPeriod = Math.Max(1, options.MessagesPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    public string MeetingId { get; }

    public string ParticipantId { get; }

    public string DisplayName { get; }

    // The token's role, or what the host made it since (make/transfer host): what host checks read.
    public string Role { get; set; }

    public bool IsHost => Role == "host";

    // The hand's place in the meeting's raise order; 0 = not raised.
    public long HandRaisedOrder { get; private set; }

    // The host muted this participant's audio and the SFU holds it until the participant unmutes itself.
    public bool AudioHeldByHost { get; private set; }

    // This session ended the meeting: its transport closes it once the command has been answered.
    public bool CloseAfterReply { get; set; }

    public ISignalingPeer Peer { get; }

    public SessionState State { get; private set; } = SessionState.Joining;

    public bool AudioMuted { get; private set; }

    public bool VideoMuted { get; private set; }

    public IMediaParticipant? Media { get; set; }

    // Whether the participant publishes a screen share; set by signaling after each publisher offer.
    public bool ScreenSharing { get; private set; }

    // Set by the registry at join: publishes a roster change of this session (CONNECTION_CHANGED from
    // the media thread or a heartbeat). Null before the session is in a roster.
    // flushSoon false for the heartbeat's marks, which wait for the monitor's round to end.
    public Action<SignalingSession, string, bool>? RosterChanged { get; set; }

    // Worst first (ParticipantConnection): a failed media path, then a lost one or silent signaling.
    public string Connection
    {
        get
        {
            lock (gate)
                return ConnectionLocked;
        }
    }

    private string ConnectionLocked =>
        mediaState == MediaConnectionState.Failed ? ParticipantConnection.MediaFailed
        : mediaState == MediaConnectionState.Disconnected || signalingStale ? ParticipantConnection.Reconnecting
        : ParticipantConnection.Connected;

    // What the media side was created with, kept so a failover can create it again on another node.
    public MediaParticipantRequest? MediaRequest { get; set; }

    // The remote media node serving this session (signaling-only node); null when in-process.
    public Guid? MediaServerId { get; set; }

    private int mediaMoving;

    // One failover move of this session at a time: a second trigger while one runs leaves it alone.
    public bool TryBeginMediaMove() => Interlocked.Exchange(ref mediaMoving, 1) == 0;

    public void EndMediaMove() => Volatile.Write(ref mediaMoving, 0);

    // What the remote node's events pass through; closed when the media moves to another node.
    public MediaEventGate? MediaEvents { get; set; }

    // The roster version this session's welcome snapshot already reflects.
    public long RosterSequence { get; set; }

    public ParticipantInfo Info
    {
        get
        {
            lock (gate)
                return new(ParticipantId, DisplayName, AudioMuted, VideoMuted, HandRaisedOrder != 0)
                {
                    Role = Role,
                    HandRaisedOrder = HandRaisedOrder,
                    Connection = ConnectionLocked,
                    ScreenSharing = ScreenSharing,
                };
        }
    }

    public TimeSpan SilentFor => time.GetElapsedTime(Interlocked.Read(ref lastSeenTimestamp));

    // Every inbound message counts as a heartbeat and spends one token.
    public void OnMessage()
    {
        Interlocked.Exchange(ref lastSeenTimestamp, time.GetTimestamp());
        if (Volatile.Read(ref signalingStale))
            MarkSignalingStale(false);
        using var lease = rateLimiter.AttemptAcquire();
        if (!lease.IsAcquired)
            throw new SignalingException(SignalingErrorCodes.RateLimited, "too many signaling messages; slow down");
    }

    // The one place the state changes; returns false (and changes nothing) for a transition the
    // machine does not allow, so late media events after Left are ignored.
    public bool TransitionTo(SessionState next)
    {
        lock (gate)
        {
            if (!IsAllowed(State, next))
                return false;
            State = next;
            return true;
        }
    }

    private static bool IsAllowed(SessionState from, SessionState to) => (from, to) switch
    {
        (SessionState.Left, _) => false,
        (_, SessionState.Left) => true,
        (SessionState.Joining, SessionState.Negotiating) => true,
        (SessionState.Negotiating, SessionState.Connected) => true,
        (SessionState.Negotiating, SessionState.Reconnecting) => true,
        (SessionState.Connected, SessionState.Negotiating) => true,
        (SessionState.Connected, SessionState.Reconnecting) => true,
        (SessionState.Reconnecting, SessionState.Negotiating) => true,
        (SessionState.Reconnecting, SessionState.Connected) => true,
        _ => false,
    };

    // The heartbeat monitor saw the client silent for a while (true), or a message arrived (false).
    public void MarkSignalingStale(bool stale) => ChangeConnection(() => signalingStale = stale, flushSoon: false);

    public bool SetScreenSharing(bool sharing)
    {
        lock (gate)
        {
            if (ScreenSharing == sharing)
                return false;
            ScreenSharing = sharing;
            return true;
        }
    }

    private void ChangeConnection(Action change, bool flushSoon = true)
    {
        bool changed;
        lock (gate)
        {
            var before = ConnectionLocked;
            change();
            changed = before != ConnectionLocked;
        }
        if (changed && State != SessionState.Left)
            RosterChanged?.Invoke(this, ParticipantUpdateMessage.ConnectionChanged, flushSoon);
    }

    // A self unmute of audio also releases a host's hold: only the participant can unmute itself.
    public bool SetMuted(string kind, bool muted)
    {
        lock (gate)
        {
            if (kind == "audio")
            {
                if (!muted && AudioHeldByHost)
                {
                    AudioHeldByHost = false;
                    Media?.HoldAudio(false);
                }
                if (AudioMuted == muted)
                    return false;
                AudioMuted = muted;
                return true;
            }
            if (VideoMuted == muted)
                return false;
            VideoMuted = muted;
            return true;
        }
    }

    // Host mute: the SFU stops forwarding this participant's audio at once. False when already held.
    public bool HoldAudioByHost()
    {
        lock (gate)
        {
            Media?.HoldAudio(true);
            var changed = !AudioHeldByHost || !AudioMuted;
            AudioHeldByHost = true;
            AudioMuted = true;
            return changed;
        }
    }

    // Raise takes the next place in the meeting's order; false when nothing changed.
    public bool SetHand(bool raised, Func<long> nextOrder)
    {
        lock (gate)
        {
            if (raised == (HandRaisedOrder != 0))
                return false;
            HandRaisedOrder = raised ? nextOrder() : 0;
            return true;
        }
    }

    public void OnSubscriberOffer(string offerSdp, ulong version)
    {
        if (State != SessionState.Left)
            Peer.SendSubscriberOffer(offerSdp, (long)version);
    }

    public void OnActiveSpeakerChanged(ActiveSpeakerUpdate update)
    {
        if (State != SessionState.Left)
            Peer.SendActiveSpeaker(new ActiveSpeakerMessage(update.DominantSpeakerId, update.RecentSpeakers));
    }

    public void OnSlotAssignments(IReadOnlyList<MediaSlotAssignment> slots)
    {
        if (State != SessionState.Left)
            Peer.SendSlotAssignments(slots.Select(s => new SlotAssignmentMessage(s.Mid, s.Kind, s.ParticipantId, s.TrackId)).ToArray());
    }

    public void OnPublisherLayers(string mid, IReadOnlyList<PublisherLayerState> layers)
    {
        if (State != SessionState.Left)
            Peer.SendPublisherLayers(new PublisherLayersMessage(mid, layers.Select(l => new PublisherLayerMessage(l.Rid, l.Active)).ToArray()));
    }

    public void OnConnectionStateChanged(MediaConnectionState state)
    {
        if (state is MediaConnectionState.Connected or MediaConnectionState.Disconnected or MediaConnectionState.Failed)
            ChangeConnection(() => mediaState = state);
        switch (state)
        {
            case MediaConnectionState.Connected:
                TransitionTo(SessionState.Connected);
                break;
            case MediaConnectionState.Disconnected or MediaConnectionState.Failed:
                // The client restarts ICE on the publisher PC; the SFU keeps the old path until then.
                if (TransitionTo(SessionState.Reconnecting))
                    Peer.SendMediaReconnect(state == MediaConnectionState.Failed ? "media connection failed" : "media connection lost");
                break;
        }
    }
}
