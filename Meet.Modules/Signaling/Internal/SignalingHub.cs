using Meet.Modules.Meetings;
using Microsoft.AspNetCore.SignalR;

namespace Meet.Modules.Signaling.Internal;

// ISSUE5 contract 2. The connection was authenticated before the upgrade (HubAuthentication); every
// failure is a HubException whose message starts with "<code>: " so clients can branch on it.
internal sealed class SignalingHub(SessionRegistry registry, IHubContext<SignalingHub> hubContext, HubMeetingBroadcast broadcast, TimeProvider time) : Hub
{
    private const string SessionKey = "meet.session";

    public override async Task OnConnectedAsync()
    {
        if (Context.GetHttpContext()?.Items[HubAuthentication.TokenItem] is not MeetingToken)
            throw new HubException($"{SignalingErrorCodes.Unauthorized}: a join token is required");
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public Task<WelcomeMessage> Join(string displayName) => JoinAsync(displayName, batchedUpdates: false);

    // Issue 13: the same join, with each roster flush delivered as one "ParticipantUpdates" array.
    public Task<WelcomeMessage> JoinBatched(string displayName) => JoinAsync(displayName, batchedUpdates: true);

    private async Task<WelcomeMessage> JoinAsync(string displayName, bool batchedUpdates)
    {
        if (Context.Items.ContainsKey(SessionKey))
            throw Refuse(SignalingErrorCodes.WrongState, "already joined");
        var token = (MeetingToken)Context.GetHttpContext()!.Items[HubAuthentication.TokenItem]!;
        // In the meeting's group before the roster, so no meeting-wide chat between the two is missed.
        var group = broadcast.GroupOf(token.MeetingId);
        var peer = new HubPeer(hubContext, Context.ConnectionId, Context, registry.Traffic, batchedUpdates, group);
        await Groups.AddToGroupAsync(Context.ConnectionId, group).ConfigureAwait(false);
        try
        {
            var (session, welcome) = await registry.JoinAsync(token, displayName, peer, Context.ConnectionAborted).ConfigureAwait(false);
            Context.Items[SessionKey] = session;
            return welcome;
        }
        catch (SignalingException ex)
        {
            await peer.LeaveMeetingGroupAsync().ConfigureAwait(false);
            throw Refuse(ex.Code, ex.Message);
        }
    }

    public string PublisherOffer(string sdp) => Run(session => registry.AnswerPublisherOffer(session, sdp));

    // version: the one SubscriberOffer carried (0 = the outstanding offer).
    public void SubscriberAnswer(string sdp, long version) => Run(session => registry.ApplySubscriberAnswer(session, sdp, version));

    public RosterSnapshotMessage GetRoster() => Run(registry.GetRoster);

    // The client's own last-N (at most the meeting's Media:LastN).
    public void SetMaxVideos(int maxVideos) => Run(session => registry.SetMaxVideos(session, maxVideos));

    // Issue 10: the participants whose video this client always receives ([] unpins).
    public void Pin(string[]? participantIds) => Run(session => registry.SetPinned(session, participantIds));

    // Issue 10, host only: screen shares allowed at once in this meeting.
    public void SetScreenShareLimit(int maxShares) => Run(session => registry.SetScreenShareLimit(session, maxShares));

    // Network handover (issue 15): the next subscriber offer carries new ICE credentials.
    public void RestartSubscriberIce() => Run(registry.RestartSubscriberIce);

    // Issue 11: the size and visibility of the client's video tiles, by subscriber mid.
    public void SetTileSizes(TileSizeMessage[]? tiles) => Run(session => registry.SetTileSizes(session, tiles));

    public void IceCandidate(string target, string candidate, string? sdpMid, int? sdpMLineIndex) =>
        Run(session => registry.AddRemoteCandidate(session, target, candidate ?? "", sdpMid));

    public long Ping(long clientTimestampMs) => Run(_ => time.GetUtcNow().ToUnixTimeMilliseconds());

    public void SetMuted(string kind, bool muted) => Run(session => registry.SetMuted(session, kind, muted));

    public RosterPageMessage GetRosterPage(string? afterParticipantId, int limit) => Run(session => registry.GetRosterPage(session, afterParticipantId, limit));

    // toParticipantId null or empty: everyone. Returns the message as stored (server id and time).
    public Task<ChatMessage> SendChat(string text, string? toParticipantId) => RunAsync(session => registry.SendChatAsync(session, text, toParticipantId));

    public Task RaiseHand(bool raised) => RunAsync<object?>(async session =>
    {
        await registry.SetHandAsync(session, raised).ConfigureAwait(false);
        return null;
    });

    // action: HostActions.*; participantId: the target (for mute, lower_hand, remove, make/transfer host, ask_unmute).
    public async Task HostAction(string action, string? participantId, string? kind)
    {
        var session = Current();
        try
        {
            session.OnMessage();
            await registry.HostActionAsync(session, action, participantId, kind).ConfigureAwait(false);
            // HubPeer.Close waits a moment, so this call's completion reaches the client first.
            if (session.CloseAfterReply)
                await registry.CloseEndedSessionAsync(session).ConfigureAwait(false);
        }
        catch (SignalingException ex)
        {
            throw Refuse(ex.Code, ex.Message);
        }
    }

    public async Task Leave()
    {
        if (Context.Items.Remove(SessionKey, out var value) && value is SignalingSession session)
        {
            if (session.Peer is HubPeer peer)
                await peer.LeaveMeetingGroupAsync().ConfigureAwait(false);
            await registry.LeaveAsync(session).ConfigureAwait(false);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await Leave().ConfigureAwait(false);
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }

    private void Run(Action<SignalingSession> action) => Run<object?>(session =>
    {
        action(session);
        return null;
    });

    private SignalingSession Current() =>
        Context.Items.TryGetValue(SessionKey, out var value) && value is SignalingSession session
            ? session
            : throw Refuse(SignalingErrorCodes.WrongState, "call Join first");

    private T Run<T>(Func<SignalingSession, T> action)
    {
        var session = Current();
        try
        {
            session.OnMessage();
            return action(session);
        }
        catch (SignalingException ex)
        {
            throw Refuse(ex.Code, ex.Message);
        }
    }

    // The same for calls that wait on shared state (issue 15: Redis in a cluster).
    private async Task<T> RunAsync<T>(Func<SignalingSession, Task<T>> action)
    {
        var session = Current();
        try
        {
            session.OnMessage();
            return await action(session).ConfigureAwait(false);
        }
        catch (SignalingException ex)
        {
            throw Refuse(ex.Code, ex.Message);
        }
    }

    private static HubException Refuse(int code, string message) => new($"{code}: {message}");
}
