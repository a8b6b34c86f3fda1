using Meet.Modules.Signaling.Internal.Cluster;
using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Meet.Modules.Signaling.Internal;

// Issue 13: chat, hand raise, roster pages and the host's controls, shared by both transports. The caller
// is always the session (the token's participant); target ids are looked up in the meeting's roster and
// never trusted beyond that.
internal sealed partial class SessionRegistry
{
    public RosterPageMessage GetRosterPage(SignalingSession session, string? after, int limit)
    {
        EnsureLive(session);
        if (limit is < 1 or > 5000)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "limit must be between 1 and 5000");
        if (after is { Length: > 64 })
            throw new SignalingException(SignalingErrorCodes.BadRequest, "afterParticipantId is too long");
        return rosters.TryGetValue(session.MeetingId, out var roster)
            ? roster.Page(session.ParticipantId, string.IsNullOrEmpty(after) ? null : after, limit)
            : new RosterPageMessage(0, [], 0);
    }

    // Meeting-wide when toParticipantId is empty; a direct message goes to the target and back to the
    // sender. Members other signaling nodes hold get it from their node (IMeetingFanout).
    public async Task<ChatMessage> SendChatAsync(SignalingSession session, string? text, string? toParticipantId)
    {
        EnsureLive(session);
        if (string.IsNullOrWhiteSpace(text))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "the chat message is empty");
        if (text.Length > Options.ChatMaximumLength)
            throw new SignalingException(SignalingErrorCodes.TooLarge, $"chat messages are at most {Options.ChatMaximumLength} characters");
        var target = string.IsNullOrEmpty(toParticipantId) ? default : FindTarget(session.MeetingId, toParticipantId);
        if (!state.TryTakeChatToken(session.MeetingId, session.ParticipantId))
            throw new SignalingException(SignalingErrorCodes.RateLimited, "too many chat messages; wait a moment");
        var message = await state.RecordChatAsync(session.MeetingId, session.ParticipantId, session.DisplayName, target.Id, text).ConfigureAwait(false);
        if (target.Id is not null)
        {
            target.Local?.Peer.SendChat(message);
            if (target.Local != session)
                session.Peer.SendChat(message);
        }
        else if (rosters.TryGetValue(session.MeetingId, out var roster))
        {
            BroadcastChat(roster, message);
        }
        if (target.Local is null)
            ShareEvent(new MeetingEvent(MeetingEventKind.Chat, session.MeetingId, fanout.NodeId) { Chat = message });
        return message;
    }

    // Issue 13's fan-out to 1,000: SignalR members get one group send, serialised once per hub protocol
    // (not once per member); gRPC members share one ServerMessage, queued to each stream's writer.
    private void BroadcastChat(MeetingRoster roster, ChatMessage message)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var byGroup = 0;
        var broadcast = services.GetRequiredService<HubMeetingBroadcast>();
        var groups = broadcast.GroupSendsAvailable;
        foreach (var member in roster.Members)
        {
            if (groups && member.Peer.ReceivesMeetingChatByGroup)
                byGroup++;
            else
                member.Peer.SendChat(message);
        }
        if (byGroup > 0)
            broadcast.SendChat(roster.MeetingId, message, byGroup);
        Traffic.ChatFannedOut(started);
    }

    public async Task SetHandAsync(SignalingSession session, bool raised)
    {
        EnsureLive(session);
        // The order is the meeting's, across nodes: taken before the change (a repeat wastes a number).
        var order = raised && session.HandRaisedOrder == 0 ? await state.NextHandOrderAsync(session.MeetingId).ConfigureAwait(false) : 0;
        if (session.SetHand(raised, () => order))
            Publish(session, raised ? ParticipantUpdateMessage.HandRaised : ParticipantUpdateMessage.HandLowered, null);
    }

    public async Task HostActionAsync(SignalingSession caller, string? action, string? participantId, string? kind)
    {
        EnsureLive(caller);
        if (action is not (HostActions.Mute or HostActions.MuteAll or HostActions.LowerHand or HostActions.Remove or HostActions.End
            or HostActions.Lock or HostActions.Unlock or HostActions.MakeHost or HostActions.TransferHost or HostActions.AskUnmute))
            throw new SignalingException(SignalingErrorCodes.BadRequest, "unknown host action");
        // The role comes from the token (or a host's grant during the meeting), never from the message.
        if (!caller.IsHost)
            throw new SignalingException(SignalingErrorCodes.Forbidden, $"only a host may {action.Replace('_', ' ')}");
        // A target another signaling node holds (issue 15) gets the action from its node.
        switch (action)
        {
            case HostActions.Mute:
                if (kind is not (null or "" or "audio"))
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "the host can only mute audio");
                OnTarget(caller, FindTarget(caller.MeetingId, participantId), HostActions.Mute);
                break;
            case HostActions.MuteAll:
                if (rosters.TryGetValue(caller.MeetingId, out var roster))
                    foreach (var member in roster.Sessions().Where(s => !s.IsHost))
                        HostMute(member);
                SendHostAction(caller, HostActions.MuteAll, targetId: null);
                break;
            case HostActions.LowerHand or HostActions.AskUnmute:
                OnTarget(caller, FindTarget(caller.MeetingId, participantId), action);
                break;
            case HostActions.Remove:
                var removed = FindTarget(caller.MeetingId, participantId);
                if (removed.Local == caller)
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "leave instead of removing yourself");
                OnTarget(caller, removed, HostActions.Remove);
                // Revoking closes the session (RevocationEnforcer, on whichever node holds it) and refuses
                // the token from now on.
                revocations.RevokeParticipant(caller.MeetingId, Guid.Parse(removed.Id!));
                break;
            case HostActions.Lock or HostActions.Unlock:
                var locked = action == HostActions.Lock;
                locks.SetLocked(caller.MeetingId, locked);
                if (rosters.TryGetValue(caller.MeetingId, out var lockedRoster))
                    foreach (var member in lockedRoster.Members)
                        member.Peer.SendMeetingState(new MeetingStateMessage(locked));
                ShareEvent(new MeetingEvent(MeetingEventKind.MeetingState, caller.MeetingId, fanout.NodeId) { Locked = locked });
                break;
            case HostActions.MakeHost:
                await ChangeRoleAsync(caller, FindTarget(caller.MeetingId, participantId), "host").ConfigureAwait(false);
                break;
            case HostActions.TransferHost:
                var next = FindTarget(caller.MeetingId, participantId);
                if (next.Local == caller)
                    throw new SignalingException(SignalingErrorCodes.BadRequest, "you are already the host");
                await ChangeRoleAsync(caller, next, "host").ConfigureAwait(false);
                await ChangeRoleAsync(caller, new HostTarget(caller.ParticipantId, caller), "participant").ConfigureAwait(false);
                break;
            case HostActions.End:
                await EndMeetingAsync(caller).ConfigureAwait(false);
                break;
        }
    }

    private void OnTarget(SignalingSession caller, HostTarget target, string action)
    {
        if (target.Local is { } local)
            ApplyHostAction(local, action, caller.ParticipantId, caller.DisplayName, role: null);
        else
            SendHostAction(caller, action, target.Id);
    }

    private void HostMute(SignalingSession target)
    {
        if (target.HoldAudioByHost())
            Publish(target, ParticipantUpdateMessage.Muted, "audio", byHost: true);
    }

    // The role is the meeting's (it survives a reconnect to any node); the session holding the target
    // takes it at once and announces it.
    private async Task ChangeRoleAsync(SignalingSession caller, HostTarget target, string role)
    {
        await state.SetRoleAsync(caller.MeetingId, target.Id!, role).ConfigureAwait(false);
        if (target.Local is { } local)
            ApplyHostAction(local, HostActions.MakeHost, caller.ParticipantId, caller.DisplayName, role);
        else
            SendHostAction(caller, HostActions.MakeHost, target.Id, role);
    }

    // The row becomes ENDED, every member is told and closed, and leaving frees its media.
    private async Task EndMeetingAsync(SignalingSession caller)
    {
        using (var scope = scopes.CreateScope())
        {
            var ended = await scope.ServiceProvider.GetRequiredService<IMeetingRepository>().TryEndAsync(caller.MeetingId, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            if (!ended)
                throw new SignalingException(SignalingErrorCodes.MeetingEnded, "the meeting has already ended");
        }
        logger.LogInformation("Host {ParticipantId} ended meeting {MeetingId} over signaling", caller.ParticipantId, caller.MeetingId);
        // The caller's own session closes after its transport has answered the command (CloseAfterReply).
        caller.CloseAfterReply = true;
        await CloseEndedMeetingAsync(caller.MeetingId, except: caller).ConfigureAwait(false);
    }

    // share: tell the other signaling nodes, which close the sessions they hold (false when they told us).
    public async Task CloseEndedMeetingAsync(string meetingId, SignalingSession? except = null, bool share = true)
    {
        // Marked before the sessions are listed: a join inserted after this sees the mark (JoinAsync).
        MarkEnded(meetingId);
        if (share)
            ShareEvent(new MeetingEvent(MeetingEventKind.Ended, meetingId, fanout.NodeId));
        foreach (var session in SessionsOf(meetingId))
            if (session != except)
                await CloseEndedSessionAsync(session).ConfigureAwait(false);
        ForgetMeeting(meetingId);
        locks.SetLocked(meetingId, false);
    }

    public async Task CloseEndedSessionAsync(SignalingSession session)
    {
        session.Peer.SendNotice(new NoticeMessage(NoticeMessage.Ended, null, "The meeting has ended."));
        session.Peer.SendError(SignalingErrorCodes.MeetingEnded, "the meeting has ended");
        session.Peer.Close();
        await LeaveAsync(session).ConfigureAwait(false);
    }

    // A target must be a current member of the caller's meeting, held here or by another signaling node:
    // 404 otherwise (an id from another meeting is as unknown as a made-up one).
    private HostTarget FindTarget(string meetingId, string? participantId)
    {
        if (string.IsNullOrEmpty(participantId) || participantId.Length > 64)
            throw new SignalingException(SignalingErrorCodes.BadRequest, "a participantId is required");
        if (rosters.TryGetValue(meetingId, out var roster))
        {
            if (roster.TryGet(participantId, out var member))
                return new HostTarget(member.ParticipantId, member);
            if (roster.TryGetRemote(participantId, out var remote))
                return new HostTarget(remote.Info.ParticipantId, null);
        }
        throw new SignalingException(SignalingErrorCodes.NotFound, "no such participant in this meeting");
    }
}
