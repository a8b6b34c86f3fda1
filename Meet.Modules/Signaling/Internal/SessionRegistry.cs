using System.Collections.Concurrent;
using Meet.Modules.Media;
using Meet.Modules.Meetings;
using Meet.Modules.Signaling.Internal.Cluster;
using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Meet.Modules.Signaling.Internal;

// Every live session of this node, grouped by meeting; the join/leave logic both transports share. In a
// cluster (issue 15) the meeting state, the session map and the events between nodes go through
// IMeetingState, ISessionMap and IMeetingFanout (SessionRegistry.Cluster.cs); on a single node those are
// in-process.
internal sealed partial class SessionRegistry
{
    private readonly IMeetingTokens tokens;
    private readonly IMeetingRevocations revocations;
    private readonly IMeetingLocks locks;
    private readonly IServiceScopeFactory scopes;
    private readonly IServiceProvider services;
    private readonly IOptions<SignalingOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<SessionRegistry> logger;
    private readonly IMeetingState state;
    private readonly ISessionMap sessionMap;
    private readonly IMeetingFanout fanout;
    private readonly ConcurrentDictionary<string, MeetingRoster> rosters = new(StringComparer.Ordinal);
    private readonly Lock rosterGate = new();

    public SessionRegistry(
        IMeetingTokens tokens,
        IMeetingRevocations revocations,
        IMeetingLocks locks,
        IServiceScopeFactory scopes,
        IServiceProvider services,
        IOptions<SignalingOptions> options,
        TimeProvider time,
        ILogger<SessionRegistry> logger,
        IMeetingState state,
        ISessionMap sessionMap,
        IMeetingFanout fanout)
    {
        this.tokens = tokens;
        this.revocations = revocations;
        this.locks = locks;
        this.scopes = scopes;
        this.services = services;
        this.options = options;
        this.time = time;
        this.logger = logger;
        this.state = state;
        this.sessionMap = sessionMap;
        this.fanout = fanout;
        fanout.Received += OnClusterEventAsync;
    }

    public string NodeId => fanout.NodeId;

    public SignalingTraffic Traffic { get; } = new();

    // Optional so the host still runs signaling-only when no media module is registered.
    private IMediaModule? Media => services.GetService<IMediaModule>();

    public SignalingOptions Options => options.Value;

    public IEnumerable<SignalingSession> Sessions => rosters.Values.SelectMany(r => r.Members);

    // Meetings with sessions, or with state (chat, roles) kept for their life: EndedMeetingWatcher checks these for an end.
    public IReadOnlyCollection<string> LiveMeetingIds => rosters.Keys.Union(state.MeetingIds).ToArray();

    public IReadOnlyList<SignalingSession> SessionsOf(string meetingId) => rosters.TryGetValue(meetingId, out var roster) ? roster.Members.ToArray() : [];

    // Meetings closed as ended in the last few minutes (Stopwatch timestamps): a join that read the meeting
    // as live just before its end reaches the roster after the close, and must not stay.
    private readonly ConcurrentDictionary<string, long> endedMarks = new(StringComparer.Ordinal);
    private static readonly TimeSpan EndedMarkLifetime = TimeSpan.FromMinutes(2);

    private void MarkEnded(string meetingId) => endedMarks[meetingId] = time.GetTimestamp();

    public void ForgetEndedMarks()
    {
        foreach (var (meetingId, at) in endedMarks)
            if (time.GetElapsedTime(at) > EndedMarkLifetime)
                endedMarks.TryRemove(new KeyValuePair<string, long>(meetingId, at));
    }

    public int RosterCount(string meetingId) => rosters.TryGetValue(meetingId, out var roster) ? roster.Count : 0;

    // Validates the token and that the meeting is live; meetingId, when given, must be the token's meeting.
    public async Task<MeetingToken> AuthenticateAsync(string? token, string? meetingId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
            throw new SignalingException(SignalingErrorCodes.Unauthorized, "a join token is required");
        var validated = await tokens.ValidateAsync(token).ConfigureAwait(false)
                        ?? throw new SignalingException(SignalingErrorCodes.Unauthorized, "the token is invalid or expired");
        if (meetingId is not null && !string.Equals(meetingId, validated.MeetingId, StringComparison.Ordinal))
            throw new SignalingException(SignalingErrorCodes.Forbidden, "the token belongs to another meeting");
        if (validated.ParticipantId is null)
            throw new SignalingException(SignalingErrorCodes.Forbidden, "the token carries no participant; join through POST /v1/meetings/{id}/join first");
        await EnsureMeetingLiveAsync(validated.MeetingId, cancellationToken).ConfigureAwait(false);
        return validated;
    }

    private async Task<MeetingSession> EnsureMeetingLiveAsync(string meetingId, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var meeting = await scope.ServiceProvider.GetRequiredService<IMeetingRepository>().FindAsync(meetingId, cancellationToken).ConfigureAwait(false)
                      ?? throw new SignalingException(SignalingErrorCodes.NotFound, "unknown meeting");
        if (meeting.Status == MeetingStatus.Ended)
            throw new SignalingException(SignalingErrorCodes.MeetingEnded, "the meeting has ended");
        return meeting;
    }

    // Forgets an ended meeting's chat and roles.
    public void ForgetMeeting(string meetingId) => state.Forget(meetingId);

    public async Task<(SignalingSession Session, WelcomeMessage Welcome)> JoinAsync(MeetingToken token, string? displayName, ISignalingPeer peer, CancellationToken cancellationToken)
    {
        var name = displayName?.Trim() ?? "";
        if (name.Length == 0)
            name = token.UserId;
        if (name.Length > 64 || name.Any(char.IsControl))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "displayName must be at most 64 characters without control characters");
        // Re-checked at join time: the meeting may have ended since the connection was opened.
        var meeting = await EnsureMeetingLiveAsync(token.MeetingId, cancellationToken).ConfigureAwait(false);

        var participantId = token.ParticipantId!.Value.ToString("D");
        // The token's role unless the host changed it during the meeting (make/transfer host).
        var role = await state.RoleOfAsync(token.MeetingId, participantId, token.Role.ToString().ToLowerInvariant()).ConfigureAwait(false);
        var session = new SignalingSession(token.MeetingId, participantId, name, role, audioMuted: false, peer, time, Options);
        session.RosterChanged = (changed, action, flushSoon) => Publish(changed, action, null, flushSoon: flushSoon);

        SignalingSession? replaced = null;
        lock (rosterGate)
        {
            if (rosters.TryGetValue(token.MeetingId, out var existingRoster) && existingRoster.TryGet(participantId, out var existing))
                replaced = existing;
        }
        if (replaced is not null)
        {
            // The same participant reconnected on a new connection: the old one goes.
            replaced.Peer.SendError(SignalingErrorCodes.WrongState, "replaced by a newer connection of the same participant");
            replaced.Peer.Close();
            await LeaveAsync(replaced).ConfigureAwait(false);
        }

        session.MediaRequest = new MediaParticipantRequest(token.MeetingId, participantId, name, meeting.AudioMode);
        if (Media is { } media)
        {
            try
            {
                session.Media = media.AddParticipant(session.MediaRequest, session);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Media participant for {ParticipantId} could not be created", participantId);
                throw new SignalingException(SignalingErrorCodes.Internal, "the media server could not add the participant");
            }
        }
        else if (RemoteMedia is { } nodes)
        {
            await AttachRemoteMediaAsync(session, nodes, token.ParticipantId.Value, cancellationToken).ConfigureAwait(false);
        }

        // defaultMuted: everyone but hosts starts muted, held by the SFU until they unmute themselves.
        if (meeting.DefaultMuted && !session.IsHost)
            session.HoldAudioByHost();

        var others = await AddToRosterAsync(session).ConfigureAwait(false);
        if (endedMarks.ContainsKey(token.MeetingId))
        {
            // The meeting ended while this join was under way (its close did not see this session).
            await LeaveAsync(session).ConfigureAwait(false);
            throw new SignalingException(SignalingErrorCodes.MeetingEnded, "the meeting has ended");
        }
        var welcome = new WelcomeMessage(participantId, token.MeetingId, role, name, others.Participants)
        {
            RosterVersion = others.Version,
            RosterTotal = others.Total,
            ChatHistory = await state.ChatHistoryForAsync(token.MeetingId, participantId).ConfigureAwait(false),
            Locked = locks.IsLocked(token.MeetingId),
        };
        await MarkAsync(token.ParticipantId.Value, ParticipantConnectionStatus.Connected).ConfigureAwait(false);
        logger.LogInformation("Participant {ParticipantId} joined meeting {MeetingId} over signaling", participantId, token.MeetingId);
        return (session, welcome);
    }

    // movedAway: the participant reconnected to another signaling node and stays in the meeting there;
    // this node only lets go of its old session (no LEFT, no row change, the session map is theirs now).
    public async Task LeaveAsync(SignalingSession session, bool movedAway = false)
    {
        if (!session.TransitionTo(SessionState.Left))
            return;
        var removed = false;
        lock (rosterGate)
        {
            if (rosters.TryGetValue(session.MeetingId, out var roster) && (removed = roster.Remove(session, announce: !movedAway)) && roster.IsEmpty)
                rosters.TryRemove(new KeyValuePair<string, MeetingRoster>(session.MeetingId, roster));
        }
        if (movedAway)
        {
            if (session.Media is { } moved)
                await DisposeMediaQuietlyAsync(moved).ConfigureAwait(false);
            return;
        }
        if (removed)
            await ShareLeftAsync(session).ConfigureAwait(false);
        if (session.Media is { } media)
        {
            try
            {
                await media.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Freeing the media of {ParticipantId} failed", session.ParticipantId);
            }
        }
        await MarkAsync(Guid.Parse(session.ParticipantId), ParticipantConnectionStatus.Disconnected).ConfigureAwait(false);
        logger.LogInformation("Participant {ParticipantId} left meeting {MeetingId}", session.ParticipantId, session.MeetingId);
    }

    // meeting_participants.connection_status feeds the node's load and the meeting's peak count; a
    // failed write must not fail the session, so it is logged.
    private async Task MarkAsync(Guid participantId, ParticipantConnectionStatus status)
    {
        try
        {
            await services.GetRequiredService<IParticipantRepository>().SetConnectionStatusAsync(participantId, status, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Could not mark participant {ParticipantId} {Status}", participantId, status);
        }
    }

    public string AnswerPublisherOffer(SignalingSession session, string sdp)
    {
        CheckSdp(session, sdp);
        var media = RequireMedia(session);
        if (session.State is SessionState.Joining or SessionState.Reconnecting)
            session.TransitionTo(SessionState.Negotiating);
        var result = media.AnswerPublisherOffer(sdp);
        // Issue 13: the roster shows who shares a screen; a publisher offer is where a share starts or stops.
        if (result.Succeeded && session.SetScreenSharing(media.IsScreenSharing))
            Publish(session, session.ScreenSharing ? ParticipantUpdateMessage.ScreenShareStarted : ParticipantUpdateMessage.ScreenShareStopped, null);
        if (result.Succeeded && result.Warning is { } refused)
        {
            // Issue 12: a section the SFU refuses is never silent — logged, and told to the client
            // with a code while the answer for the other sections still applies.
            logger.LogWarning("Publisher offer of {ParticipantId}: {Refused}", session.ParticipantId, refused);
            session.Peer.SendError(SignalingErrorCodes.UnsupportedMedia, refused);
        }
        return Unwrap(result) ?? "";
    }

    // offerVersion names the subscriber offer answered (0 = the outstanding one).
    public void ApplySubscriberAnswer(SignalingSession session, string sdp, long offerVersion)
    {
        CheckSdp(session, sdp);
        if (offerVersion < 0)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "the offer version must not be negative");
        Unwrap(RequireMedia(session).ApplySubscriberAnswer(sdp, (ulong)offerVersion));
    }

    public void SetMaxVideos(SignalingSession session, int maxVideos)
    {
        EnsureLive(session);
        if (maxVideos is < 0 or > 1000)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "maxVideos must be between 0 and 1000");
        Unwrap(RequireMedia(session).SetMaxVideos(maxVideos));
    }

    // Issue 10: the participants whose video this client always receives ([] unpins). The media module
    // checks them against the meeting and the client's video slots (409 pin_limit, 404 unknown).
    public void SetPinned(SignalingSession session, IReadOnlyList<string>? participantIds)
    {
        EnsureLive(session);
        participantIds ??= [];
        if (participantIds.Count > MaxPins)
            throw new SignalingException(SignalingErrorCodes.TooLarge, $"at most {MaxPins} participants can be pinned");
        if (participantIds.Any(id => string.IsNullOrEmpty(id) || id.Length > 64))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "a pinned participant id is empty or too long");
        Unwrap(RequireMedia(session).SetPinned(participantIds));
    }

    // Bounds the message before the media module sees it; the real bound is the video slot count.
    private const int MaxPins = 64;

    // Issue 10: a host changes how many screen shares the meeting allows at once (others: 403).
    public void SetScreenShareLimit(SignalingSession session, int maxShares)
    {
        EnsureLive(session);
        if (!session.IsHost)
            throw new SignalingException(SignalingErrorCodes.Forbidden, "only a host may change how many screens can be shared");
        Unwrap(RequireMedia(session).SetMaxScreenShares(maxShares));
    }

    public void RestartSubscriberIce(SignalingSession session)
    {
        EnsureLive(session);
        Unwrap(RequireMedia(session).RestartSubscriberIce());
    }

    // Issue 11: tile sizes are bounded here, where they enter; the SFU only sees valid ones. A mid it
    // does not know is counted there, not refused: tiles race renegotiations.
    public void SetTileSizes(SignalingSession session, IReadOnlyList<TileSizeMessage>? tiles)
    {
        EnsureLive(session);
        if (tiles is null)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "tiles are required");
        if (tiles.Count > TileSize.MaxTilesPerMessage)
            throw new SignalingException(SignalingErrorCodes.TooLarge, $"at most {TileSize.MaxTilesPerMessage} tiles per message");
        var sizes = new TileSize[tiles.Count];
        for (var i = 0; i < tiles.Count; i++)
        {
            var tile = tiles[i] ?? throw new SignalingException(SignalingErrorCodes.BadRequest, "a tile is null");
            if (string.IsNullOrEmpty(tile.Mid) || tile.Mid.Length > 32)
                throw new SignalingException(SignalingErrorCodes.BadRequest, "each tile needs a mid of 1 to 32 characters");
            if (tile.Width is < 0 or > TileSize.MaxDimension || tile.Height is < 0 or > TileSize.MaxDimension)
                throw new SignalingException(SignalingErrorCodes.BadRequest, $"tile width and height must be between 0 and {TileSize.MaxDimension}");
            sizes[i] = new TileSize(tile.Mid, tile.Width, tile.Height, tile.Hidden);
        }
        Unwrap(RequireMedia(session).SetTileSizes(sizes));
    }

    // A client that saw a gap in roster versions asks for the whole roster again.
    public RosterSnapshotMessage GetRoster(SignalingSession session)
    {
        EnsureLive(session);
        return rosters.TryGetValue(session.MeetingId, out var roster)
            ? roster.Snapshot(session.ParticipantId)
            : new RosterSnapshotMessage(0, []);
    }

    public void AddRemoteCandidate(SignalingSession session, string target, string candidate, string? sdpMid)
    {
        EnsureLive(session);
        if (target is not ("publisher" or "subscriber"))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "target must be \"publisher\" or \"subscriber\"");
        if (candidate.Length > 1024 || (sdpMid?.Length ?? 0) > 64)
            throw new SignalingException(SignalingErrorCodes.TooLarge, "the candidate is too long");
        // An empty candidate is the end-of-candidates marker (RFC 8838 §8.2): nothing to do.
        if (candidate.Length == 0)
            return;
        Unwrap(RequireMedia(session).AddRemoteCandidate(candidate, sdpMid, target == "subscriber"));
    }

    public void SetMuted(SignalingSession session, string kind, bool muted)
    {
        EnsureLive(session);
        if (kind is not ("audio" or "video"))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "kind must be \"audio\" or \"video\"");
        if (!session.SetMuted(kind, muted))
            return;
        Publish(session, muted ? ParticipantUpdateMessage.Muted : ParticipantUpdateMessage.Unmuted, kind);
    }

    // Every roster change after the join carries the participant's whole state; other nodes get it too.
    private void Publish(SignalingSession session, string action, string? kind, bool byHost = false, bool flushSoon = true)
    {
        if (!rosters.TryGetValue(session.MeetingId, out var roster))
            return;
        var update = new ParticipantUpdateMessage(session.ParticipantId, session.DisplayName, action, kind) { Participant = session.Info, ByHost = byHost };
        roster.Publish(update, flushSoon);
        ShareUpdate(session, update);
    }

    // The heartbeat monitor's round is over: its deferred connection marks go out, one flush per meeting.
    public void FlushDeferredRosterChanges()
    {
        foreach (var roster in rosters.Values)
            roster.FlushPending();
    }

    private void CheckSdp(SignalingSession session, string? sdp)
    {
        EnsureLive(session);
        if (string.IsNullOrEmpty(sdp))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "the SDP is empty");
        if (sdp.Length > Options.MaximumSdpSize)
            throw new SignalingException(SignalingErrorCodes.TooLarge, $"the SDP is larger than {Options.MaximumSdpSize} characters");
        // RFC 8866 §5: every session description starts with the version line.
        if (!sdp.StartsWith("v=0", StringComparison.Ordinal))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "malformed SDP: it must start with \"v=0\"");
    }

    private static void EnsureLive(SignalingSession session)
    {
        if (session.State == SessionState.Left)
            throw new SignalingException(SignalingErrorCodes.WrongState, "the session has left");
    }

    private static IMediaParticipant RequireMedia(SignalingSession session) =>
        session.Media ?? throw new SignalingException(SignalingErrorCodes.MediaUnavailable, "no media module runs on this node");

    private static string? Unwrap(SdpNegotiationResult result) =>
        result.Succeeded ? result.Sdp : throw new SignalingException(result.ErrorCode == 0 ? SignalingErrorCodes.Internal : result.ErrorCode, result.ErrorMessage ?? "media negotiation failed");
}
