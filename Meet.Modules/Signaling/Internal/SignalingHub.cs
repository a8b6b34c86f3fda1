using Meet.Modules.Meetings;
using Microsoft.AspNetCore.SignalR;

namespace Meet.Modules.Signaling.Internal;

// ISSUE5 contract 2. The connection was authenticated before the upgrade (HubAuthentication); every
// failure is a HubException whose message starts with "<code>: " so clients can branch on it.
internal sealed class SignalingHub(SessionRegistry registry, IHubContext<SignalingHub> hubContext, TimeProvider time) : Hub
{
    private const string SessionKey = "meet.session";

    public override async Task OnConnectedAsync()
    {
        if (Context.GetHttpContext()?.Items[HubAuthentication.TokenItem] is not MeetingToken)
            throw new HubException($"{SignalingErrorCodes.Unauthorized}: a join token is required");
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public async Task<WelcomeMessage> Join(string displayName)
    {
        if (Context.Items.ContainsKey(SessionKey))
            throw Refuse(SignalingErrorCodes.WrongState, "already joined");
        var token = (MeetingToken)Context.GetHttpContext()!.Items[HubAuthentication.TokenItem]!;
        try
        {
            var peer = new HubPeer(hubContext, Context.ConnectionId, Context);
            var (session, welcome) = await registry.JoinAsync(token, displayName, peer, Context.ConnectionAborted).ConfigureAwait(false);
            Context.Items[SessionKey] = session;
            return welcome;
        }
        catch (SignalingException ex)
        {
            throw Refuse(ex.Code, ex.Message);
        }
    }

    public string PublisherOffer(string sdp) => Run(session => registry.AnswerPublisherOffer(session, sdp));

    // version: the one SubscriberOffer carried (0 = the outstanding offer).
    public void SubscriberAnswer(string sdp, long version) => Run(session => registry.ApplySubscriberAnswer(session, sdp, version));

    public RosterSnapshotMessage GetRoster() => Run(registry.GetRoster);

    // The client's own last-N (at most the meeting's Media:LastN).
    public void SetMaxVideos(int maxVideos) => Run(session => registry.SetMaxVideos(session, maxVideos));

    public void IceCandidate(string target, string candidate, string? sdpMid, int? sdpMLineIndex) =>
        Run(session => registry.AddRemoteCandidate(session, target, candidate ?? "", sdpMid));

    public long Ping(long clientTimestampMs) => Run(_ => time.GetUtcNow().ToUnixTimeMilliseconds());

    public void SetMuted(string kind, bool muted) => Run(session => registry.SetMuted(session, kind, muted));

    public async Task Leave()
    {
        if (Context.Items.Remove(SessionKey, out var session))
            await registry.LeaveAsync((SignalingSession)session!).ConfigureAwait(false);
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

    private T Run<T>(Func<SignalingSession, T> action)
    {
        if (!Context.Items.TryGetValue(SessionKey, out var value) || value is not SignalingSession session)
            throw Refuse(SignalingErrorCodes.WrongState, "call Join first");
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

    private static HubException Refuse(int code, string message) => new($"{code}: {message}");
}
